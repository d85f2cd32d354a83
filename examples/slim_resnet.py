"""A TF-Slim ResNet ported by renaming: pretrained, saved as a TF1 checkpoint, fine-tuned
with a new head, the TF-Slim way.

    python examples/slim_resnet.py [--pretrain-steps N] [--finetune-steps N] [--quiet]

The model below is TF-Slim code (``slim.arg_scope``, ``slim.conv2d`` with
``normalizer_fn=slim.batch_norm``, ``slim.max_pool2d``, end points through
``outputs_collections``): in TF1 it starts with ``import tf_slim as slim`` and
``tf.variable_scope``; here with ``from varscope_jax.contrib import slim`` and
``vs.variable_scope``. Its variables get TF-Slim's names
(``resnet_v2/block1/unit_1/conv1/BatchNorm/moving_mean``), so a TF-Slim checkpoint of the
same net loads with ``vs.load_tf1_checkpoint`` as it is.

1. Pretrain on digits 0-4 (a 5-way head), and save a TF1 checkpoint
   (``vs.save_tf1_checkpoint``: TF's ``Saver.restore`` reads it).
2. Fine-tune on digits 5-9 with a new 5-way head, as TF-Slim's fine-tuning scripts do:
   ``slim.get_variables_to_restore(exclude=["resnet_v2/logits"])`` lists the body, and
   ``vs.train.init_from_checkpoint`` (``tf.train.init_from_checkpoint``) loads it into
   freshly initialized params, the head keeping its new values.
3. Compare with the same net trained from scratch for the same number of steps.

Data: scikit-learn's bundled 8x8 digits (no download), upsampled to 16x16x3.
"""

from __future__ import annotations

import argparse
import os
import tempfile

import jax
import jax.numpy as jnp
import numpy as np
import optax
from sklearn.datasets import load_digits

import varscope_jax as vs
from varscope_jax.contrib import slim  # TF1: import tf_slim as slim

NUM_CLASSES = 5
BATCH = 64


# ----------------------------------------------------------------- the TF-Slim model


def resnet_arg_scope(is_training, weight_decay=1e-4):
  batch_norm_params = {
    "decay": 0.9,
    "epsilon": 1e-5,
    "scale": True,
    "is_training": is_training,
    "updates_collections": vs.GraphKeys.UPDATE_OPS,
  }
  with slim.arg_scope(
    [slim.conv2d],
    weights_regularizer=slim.l2_regularizer(weight_decay),
    weights_initializer=slim.variance_scaling_initializer(),
    activation_fn=jax.nn.relu,
    normalizer_fn=slim.batch_norm,
    normalizer_params=batch_norm_params,
  ):
    with slim.arg_scope([slim.batch_norm], **batch_norm_params):
      with slim.arg_scope([slim.max_pool2d], padding="SAME") as sc:
        return sc


def unit(net, depth, stride, scope):
  """A pre-activation residual unit (batch norm + relu, then two 3x3 convolutions)."""
  with vs.variable_scope(scope):
    preact = slim.batch_norm(net, activation_fn=jax.nn.relu, scope="preact")
    if net.shape[-1] == depth and stride == 1:
      shortcut = net
    else:
      shortcut = slim.conv2d(
        preact,
        depth,
        [1, 1],
        stride=stride,
        normalizer_fn=None,
        activation_fn=None,
        scope="shortcut",
      )
    residual = slim.conv2d(preact, depth, [3, 3], stride=stride, scope="conv1")
    residual = slim.conv2d(
      residual, depth, [3, 3], normalizer_fn=None, activation_fn=None, scope="conv2"
    )
    return shortcut + residual


def resnet_v2(images, num_classes, is_training, scope="resnet_v2"):
  with vs.variable_scope(scope) as sc:
    end_points_collection = sc.original_name_scope + "_end_points"
    with slim.arg_scope(resnet_arg_scope(is_training)):
      with slim.arg_scope(
        [slim.conv2d, slim.max_pool2d], outputs_collections=end_points_collection
      ):
        net = slim.conv2d(images, 16, [3, 3], activation_fn=None, normalizer_fn=None, scope="conv1")
        net = slim.max_pool2d(net, [2, 2], stride=1, scope="pool1")
        for i, (depth, stride) in enumerate([(16, 1), (32, 2), (64, 2)]):
          net = unit(net, depth, stride, "block%d/unit_1" % (i + 1))
        net = slim.batch_norm(net, activation_fn=jax.nn.relu, scope="postnorm")
        net = jnp.mean(net, axis=(1, 2), keepdims=True)  # tf.reduce_mean
        net = slim.conv2d(
          net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None, scope="logits"
        )
        end_points = slim.utils.convert_collection_to_dict(end_points_collection)
        return jnp.squeeze(net, (1, 2)), end_points  # tf.squeeze


# ----------------------------------------------------------------- training


def digits(classes):
  flat, target = load_digits(return_X_y=True)
  keep = np.isin(target, classes)
  images = flat.reshape(-1, 8, 8)[keep].astype(np.float32) / 16.0
  images = np.repeat(np.kron(images, np.ones((2, 2), np.float32))[..., None], 3, axis=-1)
  labels = (target[keep] - classes[0]).astype(np.int32)
  order = np.random.default_rng(0).permutation(len(labels))
  images, labels = images[order], labels[order]
  n_test = len(labels) // 5
  return (images[n_test:], labels[n_test:]), (images[:n_test], labels[:n_test])


def model(images, labels, is_training):
  logits, end_points = resnet_v2(images, NUM_CLASSES, is_training)
  loss = optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()
  return loss + vs.get_regularization_loss(), (logits, end_points)


t = vs.transform(model)
tx = optax.sgd(1.0, momentum=0.9)  # the learning rate is a step argument


@jax.jit
def train_step(params, opt_state, images, labels, learning_rate):
  def loss_fn(p):
    (loss, _), new_params = t.apply(p, images, labels, True, mutable=True)
    return loss, new_params  # new_params: the moving statistics, updated

  (loss, new_params), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
  updates, opt_state = tx.update(grads, opt_state, params)
  updates = jax.tree_util.tree_map(lambda u: learning_rate * u, updates)
  return optax.apply_updates(new_params, updates), opt_state, loss


@jax.jit
def accuracy(params, images, labels):
  _, (logits, _) = t.apply(params, images, labels, False)
  return jnp.mean(jnp.argmax(logits, -1) == labels)


def train(params, data, steps, learning_rate, quiet, label):
  (images, labels), _ = data
  opt_state = tx.init(params)
  rng = np.random.default_rng(1)
  for step in range(steps):
    idx = rng.integers(0, len(labels), BATCH)
    params, opt_state, loss = train_step(params, opt_state, images[idx], labels[idx], learning_rate)
    if not quiet and (step + 1) % 25 == 0:
      print(f"{label} step {step + 1}: loss={float(loss):.3f}")
  return params


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--pretrain-steps", type=int, default=80)
  ap.add_argument("--finetune-steps", type=int, default=30)
  ap.add_argument("--quiet", action="store_true")
  a = ap.parse_args()
  first, second = digits(range(0, 5)), digits(range(5, 10))
  x, y = first[0][0][:BATCH], first[0][1][:BATCH]

  # 1. Pretrain on digits 0-4; save a TF1 checkpoint.
  params = t.init(jax.random.PRNGKey(0), x, y, True)
  names = [name for name, _ in vs.flatten_params(params)]
  print(f"{len(names)} variables, e.g. {names[5]}")
  params = train(params, first, a.pretrain_steps, 0.05, a.quiet, "pretrain")
  print(f"pretrained: test accuracy on digits 0-4 = {float(accuracy(params, *first[1])):.3f}")
  ckpt_dir = tempfile.mkdtemp()
  ckpt = vs.save_tf1_checkpoint(os.path.join(ckpt_dir, "model.ckpt"), params)

  # 2. A new head: build the model once (as a TF1 script builds its graph) to list the
  #    variables to restore, then load the body from the checkpoint into fresh params.
  vs.reset_default_graph()
  model(x[:1], y[:1], False)
  variables_to_restore = slim.get_variables_to_restore(exclude=["resnet_v2/logits"])
  fresh = t.init(jax.random.PRNGKey(1), x, y, True)
  params = vs.train.init_from_checkpoint(
    fresh, ckpt, {slim.get_variable_full_name(v): v for v in variables_to_restore}
  )
  print(
    f"restored {len(variables_to_restore)} of {len(names)} variables from {ckpt}; "
    "new head: resnet_v2/logits"
  )
  _, (_, end_points) = jax.eval_shape(lambda p: t.apply(p, x, y, False), params)
  print("end points:", ", ".join(end_points))
  tuned = train(params, second, a.finetune_steps, 0.01, a.quiet, "fine-tune")

  # 3. The same steps from scratch.
  scratch = train(fresh, second, a.finetune_steps, 0.01, a.quiet, "scratch")
  acc_tuned = float(accuracy(tuned, *second[1]))
  acc_scratch = float(accuracy(scratch, *second[1]))
  print(f"digits 5-9 after {a.finetune_steps} steps: from scratch {acc_scratch:.3f}")
  print(f"fine_tuned_accuracy={acc_tuned:.3f}")


if __name__ == "__main__":
  main()
