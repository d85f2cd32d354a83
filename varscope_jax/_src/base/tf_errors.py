"""TensorFlow 1's own error texts, verbatim, as named constants: the only place they are
written.

Where TF raises an error, varscope_jax raises the same type with TF's text as the first
line (``%`` placeholders as TF formats them), optionally after ``"<op>: "``; the golden
suites compare them with what real TF raised, and ``tests/test_error_messages.py`` fails if
a piece of one is written anywhere else in the package. varscope_jax's own messages (what
is wrong, naming the variable or argument, then how to fix it) are written where they are
raised; ``errors.py`` describes their form.
"""

# get_variable and the variable store (TF's ``_VariableStore``).
ALREADY_EXISTS = (
  "Variable %s already exists, disallowed. Did you mean to set reuse=True or "
  "reuse=tf.AUTO_REUSE in VarScope?"
)
ORIGINALLY_DEFINED = "%s Originally defined at:\n\n%s"
DOES_NOT_EXIST = (
  "Variable %s does not exist, or was not created with tf.get_variable(). "
  "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?"
)
SHARE_SHAPE = "Trying to share variable %s, but specified shape %s and found shape %s."
SHARE_DTYPE = "Trying to share variable %s, but specified dtype %s and found dtype %s."
CONSTANT_WITH_SHAPE = "If initializer is a constant, do not specify shape."
NO_INITIALIZER_NO_SHAPE = (
  "Variable %s did not get an initializer, so its `shape` argument must be specified."
)
INVALID_INITIALIZER = (
  "The initializer passed is not valid. It should be a callable with no "
  "arguments and the shape should not be provided or an instance of "
  "`tf.keras.initializers.*' and `shape` should be fully defined."
)
INITIAL_SHAPE = (
  "In this `tf.Variable` creation, the initial value's shape (%s) is not "
  "compatible with the explicitly supplied `shape` argument (%s)."
)
INITIALIZER_DTYPE = "Initializer type '%s' and explicit dtype '%s' don't match."
GETTER_NOT_CALLABLE = "Passed a custom_getter which is not callable: %s"
NO_INITIAL_VALUE = "initial_value must be specified."
INVALID_SYNCHRONIZATION = "Invalid variable synchronization mode: {} for variable: {}"
CONSTRAINT_NOT_CALLABLE = "The `constraint` argument must be a callable."
COLLECTIONS_NOT_A_LIST = (
  "collections argument to Variable constructor must be a list, tuple, or set. Got %s of type %s"
)

# Names (TF's ``Graph.name_scope`` / ``Graph.create_op``).
INVALID_SCOPE_NAME = (
  "'%s' is not a valid scope name. A scope name has to match the following pattern: %s"
)
INVALID_ROOT_SCOPE_NAME = (
  "'%s' is not a valid root scope name. A root scope name has to match the following pattern: %s"
)
DUPLICATE_NODE = "Duplicate node name in graph: '%s'"

# variable_scope and variable_creator_scope.
IMPROPER_NESTING = "Improper nesting of variable_scope."
NO_DEFAULT_NAME = "If default_name is None then name_or_scope is required"
BAD_REUSE = "The reuse parameter must be True or False or None."
BAD_AUXILIARY_NAME_SCOPE = "The auxiliary_name_scope must be `True` or `False`, while get {}"
REUSE_WITHOUT_NAME = "reuse=True cannot be used without a name_or_scope"
CREATOR_NESTING = "Exiting variable_creator_scope without proper nesting."

# Templates (TF's ``make_template`` / ``Template``) and name_scope.
TEMPLATE_NAME_NONE = "name cannot be None."
TEMPLATE_NEW_TRAINABLE = (
  "Trainable variable created when calling a template after the first "
  "time, perhaps you used tf.Variable when you meant tf.get_variable: %s"
)
NAME_OR_DEFAULT_NAME = "At least one of name (%s) and default_name (%s) must be provided."
NAME_OR_SCOPE_TYPE = "VariableScope: name_or_scope must be a string or VariableScope."

# DType (TF's ``dtypes.py``).
NO_MAX = "Cannot find maximum value of %s with type %s."
NO_MIN = "Cannot find minimum value of %s with type %s."
NO_LIMITS = "%s does not have defined limits."
CANNOT_CONVERT_DTYPE = "Cannot convert the argument `type_value`: %r to a TensorFlow DType."

# Initializers (TF's ``init_ops``, ``tensor_util``, ``random_ops``).
EXPECTED_FLOAT = "Expected floating point type, got %s."
INVALID_INITIAL_VALUE_TYPE = (
  "Invalid type for initial value: %s (expected Python scalar, list "
  "or tuple of values, or numpy.ndarray)."
)
TOO_MANY_ELEMENTS = "Too many elements provided. Needed at most %s, but received %s"
EXPECTED_VALUE_OF_DTYPE = "Expected %s, but got %s of type '%s'."
EXPECTED_TENSOR_SHAPE = "Expected Tensor's shape: %s, but got %s."
INITIALIZER_REQUIRED = "An initializer for variable %s of %s is required"
MAXVAL_FOR_INTEGER = "Must specify maxval for integer dtype %s"
SCALE_POSITIVE = "`scale` must be positive float."
INVALID_MODE = "Invalid `mode` argument: %s"
INVALID_DISTRIBUTION = "Invalid `distribution` argument: %s"
ORTHOGONAL_RANK = "The tensor to initialize must be at least two-dimensional"

# Regularizers (tf-slim's / ``tf.contrib.layers``' ``l1_regularizer``, ``l2_regularizer``).
SCALE_INTEGER = "%s cannot be an integer: %s"
SCALE_NEGATIVE_L1 = "Setting a scale less than 0 on a regularizer: %g"
SCALE_NEGATIVE_L2 = "Setting a scale less than 0 on a regularizer: %g."

# Shape functions and ops (TF's C++ shape inference, ``array_ops``, ``nn_ops``,
# ``image_ops``, ``check_ops``).
DIMENSIONS_EQUAL = "Dimensions must be equal, but are %s and %s"
DIMENSION_0_EQUAL = (
  "Dimension 0 in both shapes must be equal, but are %s and %s. Shapes are [%s] and [%s]."
)
SHAPES_INCOMPATIBLE = "Shapes %s and %s are incompatible"
RANK_AT_LEAST = "Shape %s must have rank at least %d"
NEGATIVE_DIMENSION = "Negative dimension size caused by subtracting %s from %s"
EVENLY_DIVISIBLE = "Dimension size must be evenly divisible by %s but is %s"
SPLIT_SIZES = (
  "Determined shape must either match input shape along split_dim exactly if "
  "fully specified, or be less than the size of the input along split_dim if not "
  "fully specified.  Got: %s vs. %s"
)
INDEX_OUT_OF_RANGE = "indices[%s] = %s is not in [0, %s)"
ONE_HOT_AXIS = "Expected axis to be -1 or between [0, %s). But received: %s"
PADDINGS_NEGATIVE = "The first dimension of paddings must be non-negative: %s"
PADDINGS_REFLECT = "paddings must be less than the dimension size: %s, %s not less than %s"
PADDINGS_SYMMETRIC = "paddings must be no greater than the dimension size: %s, %s greater than %s"
SLICE_SIZE = "Expected size[%s] in [0, %s], but got %s"
BAND_PART_ROWS = "num_lower must be negative or less or equal to number of rows (%s) got: %s"
BAND_PART_COLUMNS = "num_upper must be negative or less or equal to number of columns (%s) got: %s"
LABEL_OUT_OF_RANGE = (
  "Received a label value of %s which is outside the valid range of [0, %s).  Label values: %s"
)
CONDITION_FAILED = "Condition x %s y did not hold element-wise:"
IMAGES_RANK = "'images' must have either 3 or 4 dimensions"
HALF_PIXEL_CENTERS = "If half_pixel_centers is True, align_corners must be False."

# Layers (tf-keras' legacy ``tf.compat.v1.layers`` and their ``InputSpec``).
INPUT_INCOMPATIBLE = 'Input %s of layer "%s" is incompatible with the layer: '
INPUT_NDIM = "expected ndim=%s, found ndim=%s. Full shape received: %s"
INPUT_MAX_NDIM = "expected max_ndim=%s, found ndim=%s"
INPUT_MIN_NDIM = "expected min_ndim=%s, found ndim=%s. Full shape received: %s"
INPUT_DTYPE = "expected dtype=%s, found dtype=%s"
INPUT_AXIS = "expected axis %s of input shape to have value %s, but received input with shape %s"
INPUT_SHAPE = "expected shape=%s, found shape=%s"
NO_LAYER_SCOPE_NAME = (
  'No name available for layer scope because the layer "%s" has not been '
  "used yet. The scope name  is determined the first time the layer "
  "instance is called. You must therefore call the layer before querying "
  "`scope_name`."
)
COUNT_PARAMS_UNBUILT = (
  "You tried to call `count_params` on %s, but the layer isn't built. You "
  "can build it manually via: `%s.build(batch_input_shape)`."
)
LAYER_INITIALIZER_REQUIRED = "An initializer for variable %s of type %s is required for layer %s"
UNITS_POSITIVE = (
  "Received an invalid value for `units`, expected a positive integer. Received: units=%s"
)
DENSE_FLOAT_DTYPE = (
  "A Dense layer can only be built with a floating-point dtype. Received: dtype=%s"
)
DROPOUT_LAYER_RATE = "Invalid value %s received for `rate`, expected a value between 0 and 1."
STRIDES_NOT_NONE = "Argument `strides` must not be None."
FILTERS_POSITIVE = (
  "Invalid value for argument `filters`. Expected a strictly positive value. Received filters=%s."
)
CAUSAL_PADDING = "Causal padding is only supported for `Conv1D`and `SeparableConv1D`."
STRIDES_AND_DILATION = (
  "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
  "Received: strides=%s and dilation_rate=%s"
)
INPUTS_RANK = "Inputs should have rank %s. Received input_shape=%s."
TUPLE_ARGUMENT = "The `%s` argument must be a tuple of %s integers. Received: %s"
TUPLE_REQUIREMENT = " including %s that does not satisfy the requirement `%s`."
PADDING_ARGUMENT = (
  'The `padding` argument must be a list/tuple or one of "valid", "same" (or '
  '"causal", only for `Conv1D). Received: %s'
)
DATA_FORMAT_ARGUMENT = (
  'The `data_format` argument must be one of "channels_first", "channels_last". Received: %s'
)
BN_AXIS_TYPE = "Expected an int or a list/tuple of ints for the argument 'axis', but received: %r"
BN_AXIS_RANGE = (
  "Invalid value for `axis` argument. Expected 0 <= axis < inputs.rank (with "
  "inputs.rank=%s). Received: axis=%s"
)
BN_VIRTUAL_BATCH_SIZE = (
  "`virtual_batch_size` must be a positive integer that divides the "
  "true batch size of the input tensor. Received: virtual_batch_size=%s"
)
BN_RENORM_CLIPPING_KEYS = (
  "Received invalid keys for `renorm_clipping` argument: %s. Supported values: %s."
)

# RNN cells and loops (TF's ``rnn_cell_impl``, ``rnn.py``, ``nn_ops.dropout``).
RNN_FLOAT_INPUTS = "RNN cell only supports floating point inputs, but received dtype: %s"
NOT_AN_RNN_CELL = "The argument %r (%s) is not an RNNCell: %s."
INITIAL_STATE_NONE = (
  "batch_size and dtype cannot be None while constructing initial state: batch_size=%s, dtype=%s"
)
INITIAL_STATE_BATCH = (
  "batch size from input tensor is different from the input param. Input "
  "tensor batch: %s, batch_size: %s"
)
INITIAL_STATE_DTYPE = (
  "dtype from input tensor is different from the input param. Input tensor dtype: %s, dtype: %s"
)
KEEP_PROB_RANGE = "Parameter %s must be between 0 and 1. Received %s"
VARIATIONAL_DTYPE = "When variational_recurrent=True, dtype must be provided"
VARIATIONAL_INPUT_SIZE = (
  "When variational_recurrent=True and input_keep_prob < 1.0 or is "
  "unknown, input_size must be provided"
)
DROPOUT_BOTH = "Cannot specify both 'keep_prob' and 'rate'."
DROPOUT_RATE = "`rate` must be a scalar tensor or a float in the range [0, 1). Received: rate=%s"
MULTI_RNN_NO_CELLS = "Must specify at least one cell for MultiRNNCell."
MULTI_RNN_TUPLE_STATES = (
  "Some cells return tuples of states, but the flag state_is_tuple is not set. State sizes are: %s"
)
STATE_TUPLE_LENGTH = "Expected state to be a tuple of length %d, but received: %s"
RNN_NO_DTYPE = "If no initial_state is provided, argument `dtype` must be specified"
SEQUENCE_LENGTH_STATIC = (
  "Argument sequence_length must be a vector of length batch_size. "
  "Received sequence_length=%s of shape: %s"
)
SEQUENCE_LENGTH_DYNAMIC = (
  "Argument `sequence_length` must be a vector of length %s. Received sequence_length=%s."
)
INPUTS_NOT_A_SEQUENCE = "Argument `inputs` must be a sequence. Received: %s"
INPUTS_EMPTY = "Argument `inputs` must not be empty."

# tf-slim (``tf_slim.layers``, ``tf_slim.ops.arg_scope``, ``tf_slim.ops.variables``).
DATA_FORMAT_NCHW_NHWC = "data_format has to be either NCHW or NHWC."
DATA_FORMAT_EITHER = "data_format has to be either %s or %s."
INVALID_DATA_FORMAT = "Invalid data_format: %r"
NCHW_ONLY_4D = "Data format NCHW only supports 4D Tensor"
CONVOLUTION_RANK = "Convolution expects input with rank %d, got %d"
NUM_OUTPUTS_TYPE = "num_outputs type should be one of %s, got %s."
NON_FLOAT_INITIALIZER = "Cannot create initializer for non-floating point type."
UNKNOWN_FAN_MODE = "Unknown mode %s [FAN_IN, FAN_OUT, FAN_AVG]"
LAYER_NORM_AXES = "begin_params_axis (%d) and begin_norm_axis (%d) must be < rank(inputs) (%d)"
INVALID_REDUCTION_DIMENSION = "Invalid reduction dimension %d for input with %d dimensions."
MAXOUT_NOT_MULTIPLE = "number of features(%s) is not a multiple of num_units(%s)"
INVALID_GROUPS = "Invalid groups %d for %d channels."
NOT_COMMENSURATE = "%d channels is not commensurate with %d groups."
REDUCTION_AND_CHANNELS_AXIS = "reduction_axis must be mutually exclusive with channels_axis"
POOL_SAME_DILATION = (
  "pooling with 'SAME' padding is not implemented for `dilation_rate` > 1. "
  "Received: padding=%s and dilation_rate=%s"
)
POOL_STRIDES_WINDOW = (
  "`strides` > `window_shape` not supported due to inconsistency between "
  "CPU and GPU implementations. Received: strides=%s and window_shape=%s"
)
POOL_UNSUPPORTED = "%d-D %s pooling is not supported."
RENORM_UNSUPPORTED = (
  "renorm is not supported with batch_weights, updates_collections or zero_debias_moving_mean"
)
STACK_ARGS = "stack_args need to be a list or tuple"
UNIT_NORM_DIM = "dim must be positive but smaller than the input rank."
RANK_OF_SHAPE = "rank of shape must be at least %d not: %d"
ARG_SCOPE_REUSE_KWARGS = (
  "When attempting to re-use a scope by suppling adictionary, kwargs must be empty."
)
ARG_SCOPE_NOT_LIST = "list_ops_or_scope must either be a list/tuple or reused scope (i.e. dict)"
NOT_ARG_SCOPED = "%s is not decorated with @add_arg_scope"
UNEXPECTED_KEYWORD = "%s() got an unexpected keyword argument '%s'"
VARIABLE_NOT_FOUND = "Couldn't find variable %s"
INCLUDE_NOT_A_LIST = "include is provided but is not a list or a tuple."
EXCLUDE_NOT_A_LIST = "exclude is provided but is not a list or a tuple."

# Checkpoints (TF's ``tf.train.init_from_checkpoint`` / ``load_variable``).
CKPT_SHAPE_MISMATCH = (
  "Shape of variable %s (%s) doesn't match with shape of tensor %s (%s) from checkpoint reader."
)
CKPT_SCOPE_ONLY = (
  "Assignment map with scope only name %s should map to scope only %s. Should "
  "be 'scope/': 'other_scope/'."
)
CKPT_TENSOR_NOT_FOUND = "Tensor %s is not found in %s checkpoint %s"
CKPT_SCOPED_TENSOR_NOT_FOUND = "Tensor %s (%s in %s) is not found in %s checkpoint"
CKPT_DTYPE = "tensor_name = %s; expected dtype %s does not equal original dtype %s"

# Optimizers (TF1's ``FtrlOptimizer``).
FTRL_INITIAL_ACCUMULATOR = "initial_accumulator_value %f needs to be positive or zero"
FTRL_LR_POWER = "learning_rate_power %f needs to be negative or zero"
FTRL_L1 = "l1_regularization_strength %f needs to be positive or zero"
FTRL_L2 = "l2_regularization_strength %f needs to be positive or zero"
FTRL_L2_SHRINKAGE = "l2_shrinkage_regularization_strength %f needs to be positive or zero"
INPUT_DEPTH_UNKNOWN = "Expected inputs.shape[-1] to be known, received shape: %s"
ADAGRAD_INITIAL_ACCUMULATOR = "initial_accumulator_value must be positive: %s"

# More of the same modules' texts (tensor conversion, keras layers, rnn, tf-slim utils).
CONVERT_TO_TENSOR = (
  "Failed to convert object of type %s to Tensor. Contents: %s. Consider "
  "casting elements to a supported type."
)
NAME_SCOPE_DEFAULT_NAME_TYPE = (
  "`default_name` type (%s) is not a string type. You likely "
  "meant to pass this into the `values` kwarg."
)
KEY_NOT_IN_CHECKPOINT = "Key %s not found in checkpoint"
KWARG_NOT_UNDERSTOOD = "Keyword argument not understood:"
UNKNOWN_KWARG = "Unknown keyword argument:"
ON_READ_TRAINABLE = (
  "Synchronization value can be set to VariableSynchronization.ON_READ only "
  "for non-trainable variables. You have specified trainable=True and "
  "synchronization=VariableSynchronization.ON_READ."
)
CALL_RETURNED_NONE = (
  "A layer's `call` method should return a Tensor or a list of Tensors, not None (layer: %s)."
)
STRIDES_ZERO = "The argument `strides` cannot contains 0(s). Received: %s"
LAYER_INPUT_COUNT = 'Layer "%s" expects %s input(s), but it received %s input tensors.'
INPUT_SPEC_AXES = "Argument `axes` must be a dict with integer keys. Received: axes=%s"
INPUT_SPEC_MAX_AXIS = "Axis %s is greater than the maximum allowed value: %s"
BN_VIRTUAL_BATCH_AXIS = (
  "When using `virtual_batch_size`, the batch dimension must be 0 and "
  "thus axis cannot include 0. Received axis=%s"
)
BN_VIRTUAL_BATCH_ADJUSTMENT = "When using `virtual_batch_size`, adjustment cannot be specified"
UNKNOWN_ACTIVATION = "Unknown activation function: %r"
INCONSISTENT_STATE_DTYPES = "Inconsistent dtypes for internal state: %s vs %s"
STATE_FILTER_NOT_CALLABLE = "dropout_state_filter_visitor must be callable. Received: %s"
UNRECOGNIZED_PARTITION_STRATEGY = "Unrecognized partition strategy: %r"
NEED_ONE_PARAM = "Need at least one param"
CELLS_NOT_A_SEQUENCE = "cells must be a list or tuple, but received: %s."
STATE_DTYPE_UNKNOWN = "Unable to infer dtype from argument state=%s."
STATE_DTYPES_DIFFER = (
  "Argument state=%s has tensors of different inferred dtypes. Unable to "
  "infer a single representative dtype. Dtypes received: %s"
)
INPUT_RANK_AT_LEAST_2 = "Input tensor should have rank >= 2. Received input=%s of rank %d"
TIME_STEPS_DIFFER = (
  "Time steps is not the same for all the elements in the input in a batch. "
  "Received time steps=%d for input=%s."
)
BATCH_SIZE_DIFFERS = (
  "Batch_size is not the same for all the elements in the input. Received "
  "batch size=%d for input=%s."
)
VARIABLE_NOT_UNIQUE = "Variable %s does not uniquely identify a variable"
UNSUPPORTED_RANK = "Inputs %s has unsupported rank. Expected 2 or 4 but got %d"
AXIS_OUT_OF_BOUNDS = "Axis is out of bounds."
POOL_INPUT_RANK = "Rank of inputs must be >= 3"
NO_WEIGHTS_TO_REGULARIZE = "No weights to regularize."
REGULARIZER_NOT_SCALAR = "regularizer must return a scalar Tensor instead of a Tensor with rank %d."
TWO_ELEMENT_TUPLE = "Must be an int, a list with 2 elements or a TensorShape of length 2"
TWO_ELEMENT_LIST = "Must be a list with 2 elements: %s"
VALUE_NONE = "value_or_tensor_or_var cannot be None"
DIMS_UNKNOWN = "dims of shape must be known but is None"
DIMENSION_UNKNOWN = "dimension %d of shape must be known but is None: %s"
N_POSITIVE = "n must be a positive integer"
N_POSITIVE_INTEGERS = "Expected sequence of %d positive integers, but received %r"
POSITIVE_INTEGER = "expected positive integer, but received %d"
ABSTRACT_METHOD = "Abstract method"
FN1_NOT_CALLABLE = "fn1 must be callable."
FN2_NOT_CALLABLE = "fn2 must be callable."
WRONG_TYPE = "It has the wrong type %s instead of %s"
DUPLICATE_AXIS = "Duplicate axis: %s"
