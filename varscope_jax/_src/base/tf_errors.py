"""TensorFlow 1's own error texts, verbatim, as named constants.

Where TF raises an error, varscope_jax raises the same type with TF's text as the first
line (``%`` placeholders as TF formats them); the golden suite compares them with what
real TF raised. varscope_jax's own messages are written where they are raised, in one
form: what is wrong, naming the variable or argument, then how to fix it.
"""

# get_variable and the variable store (TF's ``_VariableStore``).
ALREADY_EXISTS = ("Variable %s already exists, disallowed. Did you mean to set reuse=True or "
                  "reuse=tf.AUTO_REUSE in VarScope?")
ORIGINALLY_DEFINED = "%s Originally defined at:\n\n%s"
DOES_NOT_EXIST = ("Variable %s does not exist, or was not created with tf.get_variable(). "
                  "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?")
SHARE_SHAPE = "Trying to share variable %s, but specified shape %s and found shape %s."
SHARE_DTYPE = "Trying to share variable %s, but specified dtype %s and found dtype %s."
CONSTANT_WITH_SHAPE = "If initializer is a constant, do not specify shape."
NO_INITIALIZER_NO_SHAPE = ("Variable %s did not get an initializer, so its `shape` argument "
                           "must be specified.")
INVALID_INITIALIZER = ("The initializer passed is not valid. It should be a callable with no "
                       "arguments and the shape should not be provided or an instance of "
                       "`tf.keras.initializers.*' and `shape` should be fully defined.")
INITIAL_SHAPE = ("In this `tf.Variable` creation, the initial value's shape (%s) is not "
                 "compatible with the explicitly supplied `shape` argument (%s).")
INITIALIZER_DTYPE = "Initializer type '%s' and explicit dtype '%s' don't match."
GETTER_NOT_CALLABLE = "Passed a custom_getter which is not callable: %s"
NO_INITIAL_VALUE = "initial_value must be specified."
INVALID_SYNCHRONIZATION = "Invalid variable synchronization mode: {} for variable: {}"
CONSTRAINT_NOT_CALLABLE = "The `constraint` argument must be a callable."
COLLECTIONS_NOT_A_LIST = ("collections argument to Variable constructor must be a list, "
                          "tuple, or set. Got %s of type %s")

# Names (TF's ``Graph.name_scope`` / ``Graph.create_op``).
INVALID_SCOPE_NAME = ("'%s' is not a valid scope name. A scope name has to match the "
                      "following pattern: %s")
INVALID_ROOT_SCOPE_NAME = ("'%s' is not a valid root scope name. A root scope name has to "
                           "match the following pattern: %s")
DUPLICATE_NODE = "Duplicate node name in graph: '%s'"

# variable_scope and variable_creator_scope.
IMPROPER_NESTING = "Improper nesting of variable_scope."
NO_DEFAULT_NAME = "If default_name is None then name_or_scope is required"
BAD_REUSE = "The reuse parameter must be True or False or None."
BAD_AUXILIARY_NAME_SCOPE = "The auxiliary_name_scope must be `True` or `False`, while get {}"
REUSE_WITHOUT_NAME = "reuse=True cannot be used without a name_or_scope"
CREATOR_NESTING = "Exiting variable_creator_scope without proper nesting."
