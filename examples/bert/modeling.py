"""BERT's encoder written with varscope_jax, with the variables of google-research/bert.

The model is google-research/bert's TF1 ``BertModel`` (``modeling.py``), written anew on
``vs.variable_scope``, ``vs.get_variable``, ``vs.layers.dense`` and
``vs.contrib.layers.layer_norm``. It opens the same scopes and makes the same variables,
so a TF1 BERT checkpoint loads by name, with no name map::

  bert/embeddings/{word_embeddings, token_type_embeddings, position_embeddings}
  bert/embeddings/LayerNorm/{beta, gamma}
  bert/encoder/layer_N/attention/self/{query, key, value}/{kernel, bias}
  bert/encoder/layer_N/attention/output/dense/{kernel, bias}
  bert/encoder/layer_N/attention/output/LayerNorm/{beta, gamma}
  bert/encoder/layer_N/intermediate/dense/{kernel, bias}
  bert/encoder/layer_N/output/dense/{kernel, bias}
  bert/encoder/layer_N/output/LayerNorm/{beta, gamma}
  bert/pooler/dense/{kernel, bias}

Use it as TF1 code is used, inside a function that ``vs.transform`` makes pure::

  def forward(input_ids, input_mask, token_type_ids):
    model = BertModel(config, is_training=False, input_ids=input_ids,
                      input_mask=input_mask, token_type_ids=token_type_ids)
    return model.get_sequence_output(), model.get_pooled_output()

  t = vs.transform(forward)
  params = vs.unflatten_params(vs.load_tf1_checkpoint("tf1_checkpoint/bert_model.ckpt"))
  sequence_output, pooled_output = jax.jit(t.apply)(params, ids, mask, types)

With ``is_training=True`` dropout draws its keys from ``vs.next_rng_key()``: pass
``rng=`` to ``apply``.
"""

from __future__ import annotations

import copy
import json
import math

import jax
import jax.numpy as jnp

import varscope_jax as vs


class BertConfig:
  """The hyper-parameters of a ``BertModel`` (the fields of BERT's ``bert_config.json``)."""

  def __init__(
    self,
    vocab_size,
    hidden_size=768,
    num_hidden_layers=12,
    num_attention_heads=12,
    intermediate_size=3072,
    hidden_act="gelu",
    hidden_dropout_prob=0.1,
    attention_probs_dropout_prob=0.1,
    max_position_embeddings=512,
    type_vocab_size=16,
    initializer_range=0.02,
  ):
    self.vocab_size = vocab_size
    self.hidden_size = hidden_size
    self.num_hidden_layers = num_hidden_layers
    self.num_attention_heads = num_attention_heads
    self.hidden_act = hidden_act
    self.intermediate_size = intermediate_size
    self.hidden_dropout_prob = hidden_dropout_prob
    self.attention_probs_dropout_prob = attention_probs_dropout_prob
    self.max_position_embeddings = max_position_embeddings
    self.type_vocab_size = type_vocab_size
    self.initializer_range = initializer_range

  @classmethod
  def from_dict(cls, fields):
    """A config from a dict of fields (unknown keys are kept as attributes, as BERT's)."""
    config = cls(vocab_size=None)
    config.__dict__.update(fields)
    return config

  @classmethod
  def from_json_file(cls, path):
    """A config from a ``bert_config.json`` file."""
    with open(path) as f:
      return cls.from_dict(json.load(f))

  def to_dict(self):
    return copy.deepcopy(self.__dict__)

  def to_json_string(self):
    return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"


def gelu(x):
  """BERT's GELU: the tanh approximation."""
  return 0.5 * x * (1.0 + jnp.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def get_activation(name):
  """``"gelu"``, ``"relu"``, ``"tanh"`` or ``"linear"``/None/``""`` (no activation);
  a callable is returned as it is."""
  if not isinstance(name, str):
    return name
  table = {"": None, "linear": None, "relu": jax.nn.relu, "gelu": gelu, "tanh": jnp.tanh}
  if name.lower() not in table:
    raise ValueError("Unsupported activation: %s" % name.lower())
  return table[name.lower()]


def create_initializer(initializer_range=0.02):
  return vs.truncated_normal_initializer(stddev=initializer_range)


def dropout(x, rate):
  """``tf.nn.dropout(x, rate=rate)``: keys from ``vs.next_rng_key()``; identity at 0."""
  if not rate:
    return x
  keep = jax.random.bernoulli(vs.next_rng_key(), 1.0 - rate, x.shape)
  return jnp.where(keep, x / (1.0 - rate), jnp.zeros_like(x))


def layer_norm(x, name=None):
  return vs.contrib.layers.layer_norm(
    inputs=x, begin_norm_axis=-1, begin_params_axis=-1, scope=name
  )


def dense(x, units, initializer_range, activation=None, name=None):
  return vs.layers.dense(
    x,
    units,
    activation=activation,
    name=name,
    kernel_initializer=create_initializer(initializer_range),
  )


def _check_rank(x, rank, what):
  if x.ndim != rank:
    raise ValueError(
      "For the tensor `%s`, the actual rank `%d` (shape = %s) is not equal "
      "to the expected rank `%d`" % (what, x.ndim, tuple(x.shape), rank)
    )


def embedding_lookup(
  input_ids,
  vocab_size,
  embedding_size,
  initializer_range,
  word_embedding_name="word_embeddings",
  use_one_hot_embeddings=False,
):
  """Word embeddings ``[batch, seq, embedding_size]`` and the table they come from."""
  table = vs.get_variable(
    word_embedding_name,
    [vocab_size, embedding_size],
    initializer=create_initializer(initializer_range),
  )
  if use_one_hot_embeddings:
    out = jax.nn.one_hot(input_ids.reshape(-1), vocab_size, dtype=table.dtype) @ table
  else:
    out = jnp.take(table, input_ids.reshape(-1), axis=0)
  return out.reshape(input_ids.shape + (embedding_size,)), table


def embedding_postprocessor(
  x, token_type_ids, token_type_vocab_size, initializer_range, max_position_embeddings, dropout_prob
):
  """Adds token-type and position embeddings, then layer norm and dropout."""
  batch, seq, width = x.shape
  type_table = vs.get_variable(
    "token_type_embeddings",
    [token_type_vocab_size, width],
    initializer=create_initializer(initializer_range),
  )
  one_hot = jax.nn.one_hot(token_type_ids.reshape(-1), token_type_vocab_size, dtype=x.dtype)
  x = x + (one_hot @ type_table).reshape(batch, seq, width)
  positions = vs.get_variable(
    "position_embeddings",
    [max_position_embeddings, width],
    initializer=create_initializer(initializer_range),
  )
  if seq > max_position_embeddings:
    raise ValueError(
      "sequence length %d is longer than max_position_embeddings %d"
      % (seq, max_position_embeddings)
    )
  x = x + positions[:seq][None]
  return dropout(layer_norm(x), dropout_prob)


def attention_mask_from_input_mask(input_ids, input_mask):
  """``[batch, from_seq, to_seq]`` float mask: 1 where a position may be attended to."""
  batch, from_seq = input_ids.shape[:2]
  to_mask = input_mask.reshape(batch, 1, input_mask.shape[1]).astype(jnp.float32)
  return jnp.ones((batch, from_seq, 1), jnp.float32) * to_mask


def attention_layer(
  x, attention_mask, num_heads, head_size, dropout_prob, initializer_range, batch, seq
):
  """Multi-head self-attention on ``x: [batch * seq, width]``; ``[batch * seq, heads * size]``."""

  def heads(t):  # [batch * seq, heads * size] -> [batch, heads, seq, size]
    return t.reshape(batch, seq, num_heads, head_size).transpose(0, 2, 1, 3)

  query = heads(dense(x, num_heads * head_size, initializer_range, name="query"))
  key = heads(dense(x, num_heads * head_size, initializer_range, name="key"))
  value = heads(dense(x, num_heads * head_size, initializer_range, name="value"))
  scores = (query @ key.transpose(0, 1, 3, 2)) * (1.0 / math.sqrt(head_size))
  if attention_mask is not None:
    scores = scores + (1.0 - attention_mask[:, None].astype(jnp.float32)) * -10000.0
  probs = dropout(jax.nn.softmax(scores, axis=-1), dropout_prob)
  context = (probs @ value).transpose(0, 2, 1, 3)
  return context.reshape(batch * seq, num_heads * head_size)


def transformer_model(
  x,
  attention_mask,
  hidden_size,
  num_hidden_layers,
  num_attention_heads,
  intermediate_size,
  intermediate_act_fn,
  hidden_dropout_prob,
  attention_probs_dropout_prob,
  initializer_range,
):
  """The encoder stack; returns every layer's output ``[batch, seq, hidden]``."""
  if hidden_size % num_attention_heads != 0:
    raise ValueError(
      "The hidden size (%d) is not a multiple of the number of attention "
      "heads (%d)" % (hidden_size, num_attention_heads)
    )
  _check_rank(x, 3, "input_tensor")
  batch, seq, width = x.shape
  if width != hidden_size:
    raise ValueError(
      "The width of the input tensor (%d) != hidden size (%d)" % (width, hidden_size)
    )
  head_size = hidden_size // num_attention_heads
  h = x.reshape(batch * seq, width)  # every dense runs on a [batch * seq, width] matrix
  outputs = []
  for i in range(num_hidden_layers):
    with vs.variable_scope("layer_%d" % i):
      with vs.variable_scope("attention"):
        with vs.variable_scope("self"):
          a = attention_layer(
            h,
            attention_mask,
            num_attention_heads,
            head_size,
            attention_probs_dropout_prob,
            initializer_range,
            batch,
            seq,
          )
        with vs.variable_scope("output"):
          a = dense(a, hidden_size, initializer_range)
          a = layer_norm(dropout(a, hidden_dropout_prob) + h)
      with vs.variable_scope("intermediate"):
        m = dense(a, intermediate_size, initializer_range, activation=intermediate_act_fn)
      with vs.variable_scope("output"):
        m = dense(m, hidden_size, initializer_range)
        h = layer_norm(dropout(m, hidden_dropout_prob) + a)
      outputs.append(h.reshape(batch, seq, hidden_size))
  return outputs


class BertModel:
  """BERT, as google-research/bert's ``BertModel``: build it inside ``vs.transform``.

  Args:
    config: a ``BertConfig``.
    is_training: dropout on (keys from ``vs.next_rng_key()``) or off.
    input_ids: int ``[batch, seq]``.
    input_mask: int ``[batch, seq]`` (1 = token, 0 = padding); default all ones.
    token_type_ids: int ``[batch, seq]``; default all zeros.
    use_one_hot_embeddings: look the word embeddings up by a one-hot matmul.
    scope: the variable scope (default ``bert``).
  """

  def __init__(
    self,
    config,
    is_training,
    input_ids,
    input_mask=None,
    token_type_ids=None,
    use_one_hot_embeddings=False,
    scope=None,
  ):
    config = copy.deepcopy(config)
    if not is_training:
      config.hidden_dropout_prob = 0.0
      config.attention_probs_dropout_prob = 0.0
    input_ids = jnp.asarray(input_ids)
    _check_rank(input_ids, 2, "input_ids")
    if input_mask is None:
      input_mask = jnp.ones(input_ids.shape, jnp.int32)
    if token_type_ids is None:
      token_type_ids = jnp.zeros(input_ids.shape, jnp.int32)

    with vs.variable_scope(scope, default_name="bert"):
      with vs.variable_scope("embeddings"):
        self.word_embedding_output, self.embedding_table = embedding_lookup(
          input_ids,
          config.vocab_size,
          config.hidden_size,
          config.initializer_range,
          use_one_hot_embeddings=use_one_hot_embeddings,
        )
        self.embedding_output = embedding_postprocessor(
          self.word_embedding_output,
          jnp.asarray(token_type_ids),
          config.type_vocab_size,
          config.initializer_range,
          config.max_position_embeddings,
          config.hidden_dropout_prob,
        )
      with vs.variable_scope("encoder"):
        mask = attention_mask_from_input_mask(input_ids, jnp.asarray(input_mask))
        self.all_encoder_layers = transformer_model(
          self.embedding_output,
          mask,
          config.hidden_size,
          config.num_hidden_layers,
          config.num_attention_heads,
          config.intermediate_size,
          get_activation(config.hidden_act),
          config.hidden_dropout_prob,
          config.attention_probs_dropout_prob,
          config.initializer_range,
        )
      self.sequence_output = self.all_encoder_layers[-1]
      with vs.variable_scope("pooler"):
        first_token = self.sequence_output[:, 0]
        self.pooled_output = dense(
          first_token, config.hidden_size, config.initializer_range, activation=jnp.tanh
        )

  def get_pooled_output(self):
    return self.pooled_output

  def get_sequence_output(self):
    return self.sequence_output

  def get_all_encoder_layers(self):
    return self.all_encoder_layers

  def get_embedding_output(self):
    return self.embedding_output

  def get_embedding_table(self):
    return self.embedding_table
