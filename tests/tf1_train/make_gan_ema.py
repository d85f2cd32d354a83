"""Writes two real TF1 training checkpoints that TF1 GAN / research code leaves behind.

Run from the repository root with a TensorFlow install (not a dependency of varscope_jax)::

  TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/tf1_train/make_gan_ema.py

* ``data/gan_ema/``: a small GAN (``generator/dense{,_1}``, ``discriminator/dense{,_1}``,
  the discriminator called on real then fake data under ``reuse=True``), two
  ``AdamOptimizer(2e-3, beta1=0.5)`` (``var_list`` per network, so TF names the second
  one's powers ``beta1_power_1``), an ``ExponentialMovingAverage(0.9)`` over the
  generator's variables and another over the two losses (TF1 GAN code averages its
  losses for summaries: ``discriminator_loss/Mean/ExponentialMovingAverage``, with
  TF's zero-debias ``.../biased`` and ``.../local_step``), trained 4 steps.
* ``data/scoped_step/``: the two-layer regression of ``make_tf1_training.py`` with its
  step made by ``get_or_create_global_step()`` inside ``variable_scope("model")``
  (``model/global_step``) and an ``exponential_decay`` learning rate on it, trained 3
  steps with ``AdamOptimizer``; then TF's next step.

``data/gan_ema_expected.json`` / ``.npz``: ``tf.train.list_variables`` of each checkpoint,
every variable's value, the step; for ``scoped_step`` the gradient TF applied at its next
step and the variables after it (a resumed schedule that restarted at step 0 would not
give them).
"""

from __future__ import annotations

import json
import os
import shutil

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")


def _fresh(name):
  folder = os.path.join(DATA, name)
  shutil.rmtree(folder, ignore_errors=True)
  os.makedirs(folder)
  return os.path.join(folder, "model.ckpt")


def gan(expected, arrays):
  rng = np.random.default_rng(1)
  g = tf.Graph()
  with g.as_default():
    tf1.set_random_seed(5)
    global_step = tf1.train.get_or_create_global_step()
    z = tf1.placeholder(tf.float32, [6, 4])
    real = tf1.placeholder(tf.float32, [6, 2])

    def generator(z):
      with tf1.variable_scope("generator"):
        h = tf1.layers.dense(z, 8, activation=tf.nn.relu)
        return tf1.layers.dense(h, 2)

    def discriminator(x, reuse):
      with tf1.variable_scope("discriminator", reuse=reuse):
        h = tf1.layers.dense(x, 8, activation=tf.nn.leaky_relu)
        return tf1.layers.dense(h, 1)

    fake = generator(z)
    d_real, d_fake = discriminator(real, False), discriminator(fake, True)
    xent = tf.nn.sigmoid_cross_entropy_with_logits
    with tf1.name_scope("discriminator_loss"):
      d_loss = tf.reduce_mean(
        xent(labels=tf.ones_like(d_real), logits=d_real)
        + xent(labels=tf.zeros_like(d_fake), logits=d_fake)
      )
    with tf1.name_scope("generator_loss"):
      g_loss = tf.reduce_mean(xent(labels=tf.ones_like(d_fake), logits=d_fake))
    d_vars = tf1.trainable_variables("discriminator")
    g_vars = tf1.trainable_variables("generator")
    d_train = tf1.train.AdamOptimizer(2e-3, beta1=0.5).minimize(d_loss, var_list=d_vars)
    g_train = tf1.train.AdamOptimizer(2e-3, beta1=0.5).minimize(
      g_loss, var_list=g_vars, global_step=global_step
    )
    var_ema = tf1.train.ExponentialMovingAverage(0.9)
    loss_ema = tf1.train.ExponentialMovingAverage(0.9, zero_debias=True)
    with tf.control_dependencies([d_train, g_train]):
      train = tf.group(var_ema.apply(g_vars), loss_ema.apply([d_loss, g_loss]))
    saver = tf1.train.Saver(save_relative_paths=True)
    with tf1.Session(graph=g) as sess:
      sess.run(tf1.global_variables_initializer())
      for _ in range(4):
        sess.run(
          train,
          {
            z: rng.standard_normal((6, 4)).astype(np.float32),
            real: rng.standard_normal((6, 2)).astype(np.float32) + 2,
          },
        )
      prefix = _fresh("gan_ema")
      saver.save(sess, prefix, write_meta_graph=False)
      for v in tf1.global_variables():
        arrays["gan_ema|" + v.op.name] = sess.run(v)
      expected["gan_ema"] = {
        "list_variables": [[n, s] for n, s in tf1.train.list_variables(prefix)],
        "global_step": int(sess.run(global_step)),
        "loss_shadows": [loss_ema.average_name(d_loss), loss_ema.average_name(g_loss)],
        "model_variables": [v.op.name for v in tf1.global_variables() if v in d_vars + g_vars],
        "var_shadows": {v.op.name: var_ema.average_name(v) for v in g_vars},
      }


def scoped_step(expected, arrays):
  rng = np.random.default_rng(0)
  x_all = rng.standard_normal((4, 5, 3)).astype(np.float32)
  y_all = rng.standard_normal((4, 5, 2)).astype(np.float32)
  g = tf.Graph()
  with g.as_default():
    with tf1.variable_scope("model"):
      global_step = tf1.train.get_or_create_global_step()
      w1 = tf1.get_variable("fc1/w", initializer=rng.standard_normal((3, 4)).astype(np.float32))
      b1 = tf1.get_variable("fc1/b", initializer=np.zeros(4, np.float32))
      w2 = tf1.get_variable("fc2/w", initializer=rng.standard_normal((4, 2)).astype(np.float32))
      b2 = tf1.get_variable("fc2/b", initializer=np.zeros(2, np.float32))
    x = tf1.placeholder(tf.float32, [5, 3])
    y = tf1.placeholder(tf.float32, [5, 2])
    loss = tf.reduce_mean((tf.tanh(x @ w1 + b1) @ w2 + b2 - y) ** 2)
    lr = tf1.train.exponential_decay(0.05, global_step, decay_steps=1, decay_rate=0.5)
    opt = tf1.train.AdamOptimizer(lr)
    variables = [w1, b1, w2, b2]
    grads = tf.gradients(loss, variables)
    train = opt.apply_gradients(zip(grads, variables), global_step=global_step)
    saver = tf1.train.Saver(save_relative_paths=True)
    with tf1.Session(graph=g) as sess:
      sess.run(tf1.global_variables_initializer())
      for i in range(3):
        sess.run(train, {x: x_all[i], y: y_all[i]})
      prefix = _fresh("scoped_step")
      saver.save(sess, prefix, write_meta_graph=False)
      feed = {x: x_all[3], y: y_all[3]}
      arrays["scoped_step|grads"] = np.concatenate([gr.ravel() for gr in sess.run(grads, feed)])
      sess.run(train, feed)
      arrays["scoped_step|params"] = np.concatenate([v.ravel() for v in sess.run(variables)])
      expected["scoped_step"] = {
        "list_variables": [[n, s] for n, s in tf1.train.list_variables(prefix)],
        "global_step_name": global_step.op.name,
        "global_step": 3,
        "lr": {"initial": 0.05, "decay_steps": 1, "decay_rate": 0.5},
        "variables": [v.op.name for v in variables],
        "tf_get_global_step": tf1.train.get_global_step(g).op.name,
      }


def main():
  tf1.disable_eager_execution()
  expected, arrays = {"tensorflow_version": tf.__version__}, {}
  gan(expected, arrays)
  scoped_step(expected, arrays)
  with open(os.path.join(DATA, "gan_ema_expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")
  np.savez_compressed(os.path.join(DATA, "gan_ema_expected.npz"), **arrays)
  print(json.dumps(expected, indent=1))


if __name__ == "__main__":
  main()
