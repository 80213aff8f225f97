"""Machine-learning-from-scratch programs people run with NumPy: eriklindernoren/ML-From-
Scratch's deep_learning package. Each is a function of the module it runs with (numpy or
arrax.numpy; no plotting, no dataset downloads, small sizes), for
test_numpy_programs_like_numpy_7.py; each names its source. Random inputs come from NumPy's
legacy generator (np.random.seed), which arrax.numpy.random reproduces draw for draw."""

import math

from numpy_programs_7b import _mlfs_utils


# ML-From-Scratch deep_learning: layers.py (Dense, Conv2D, BatchNormalization, MaxPooling2D,
# AveragePooling2D, ZeroPadding2D, Flatten, UpSampling2D, Dropout, Activation, RNN),
# optimizers.py (Adam, RMSprop, Adagrad, Adadelta, SGD with momentum) and neural_network.py's
# NeuralNetwork (add, train_on_batch, fit over batch_iterator, summary's parameter counts,
# predict); column_to_image's np.empty is np.zeros here (its values would be garbage)
def mlfs_deep_learning(np):
    import copy

    U = _mlfs_utils(np)
    image_to_column = U["image_to_column"]
    column_to_image = U["column_to_image"]
    determine_padding = U["determine_padding"]
    activation_functions = {
        "relu": U["ReLU"],
        "sigmoid": U["Sigmoid"],
        "softmax": U["Softmax"],
        "tanh": U["TanH"],
        "leaky_relu": U["LeakyReLU"],
    }

    class StochasticGradientDescent:
        def __init__(self, learning_rate=0.01, momentum=0):
            self.learning_rate = learning_rate
            self.momentum = momentum
            self.w_updt = None

        def update(self, w, grad_wrt_w):
            if self.w_updt is None:
                self.w_updt = np.zeros(np.shape(w))
            self.w_updt = self.momentum * self.w_updt + (1 - self.momentum) * grad_wrt_w
            return w - self.learning_rate * self.w_updt

    class Adagrad:
        def __init__(self, learning_rate=0.01):
            self.learning_rate = learning_rate
            self.G = None
            self.eps = 1e-8

        def update(self, w, grad_wrt_w):
            if self.G is None:
                self.G = np.zeros(np.shape(w))
            self.G += np.power(grad_wrt_w, 2)
            return w - self.learning_rate * grad_wrt_w / np.sqrt(self.G + self.eps)

    class Adadelta:
        def __init__(self, rho=0.95, eps=1e-6):
            self.E_w_updt = None
            self.E_grad = None
            self.w_updt = None
            self.eps = eps
            self.rho = rho

        def update(self, w, grad_wrt_w):
            if self.w_updt is None:
                self.w_updt = np.zeros(np.shape(w))
                self.E_w_updt = np.zeros(np.shape(w))
                self.E_grad = np.zeros(np.shape(grad_wrt_w))
            self.E_grad = self.rho * self.E_grad + (1 - self.rho) * np.power(grad_wrt_w, 2)
            RMS_delta_w = np.sqrt(self.E_w_updt + self.eps)
            RMS_grad = np.sqrt(self.E_grad + self.eps)
            adaptive_lr = RMS_delta_w / RMS_grad
            self.w_updt = adaptive_lr * grad_wrt_w
            self.E_w_updt = self.rho * self.E_w_updt + (1 - self.rho) * np.power(self.w_updt, 2)
            return w - self.w_updt

    class RMSprop:
        def __init__(self, learning_rate=0.01, rho=0.9):
            self.learning_rate = learning_rate
            self.Eg = None
            self.eps = 1e-8
            self.rho = rho

        def update(self, w, grad_wrt_w):
            if self.Eg is None:
                self.Eg = np.zeros(np.shape(grad_wrt_w))
            self.Eg = self.rho * self.Eg + (1 - self.rho) * np.power(grad_wrt_w, 2)
            return w - self.learning_rate * grad_wrt_w / np.sqrt(self.Eg + self.eps)

    class Adam:
        def __init__(self, learning_rate=0.001, b1=0.9, b2=0.999):
            self.learning_rate = learning_rate
            self.eps = 1e-8
            self.m = None
            self.v = None
            self.b1 = b1
            self.b2 = b2

        def update(self, w, grad_wrt_w):
            if self.m is None:
                self.m = np.zeros(np.shape(grad_wrt_w))
                self.v = np.zeros(np.shape(grad_wrt_w))
            self.m = self.b1 * self.m + (1 - self.b1) * grad_wrt_w
            self.v = self.b2 * self.v + (1 - self.b2) * np.power(grad_wrt_w, 2)
            m_hat = self.m / (1 - self.b1)
            v_hat = self.v / (1 - self.b2)
            self.w_updt = self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)
            return w - self.w_updt

    class Layer:
        def set_input_shape(self, shape):
            self.input_shape = shape

        def layer_name(self):
            return self.__class__.__name__

        def parameters(self):
            return 0

    class Dense(Layer):
        def __init__(self, n_units, input_shape=None):
            self.layer_input = None
            self.input_shape = input_shape
            self.n_units = n_units
            self.trainable = True
            self.W = None
            self.w0 = None

        def initialize(self, optimizer):
            limit = 1 / math.sqrt(self.input_shape[0])
            self.W = np.random.uniform(-limit, limit, (self.input_shape[0], self.n_units))
            self.w0 = np.zeros((1, self.n_units))
            self.W_opt = copy.copy(optimizer)
            self.w0_opt = copy.copy(optimizer)

        def parameters(self):
            return np.prod(self.W.shape) + np.prod(self.w0.shape)

        def forward_pass(self, X, training=True):
            self.layer_input = X
            return X.dot(self.W) + self.w0

        def backward_pass(self, accum_grad):
            W = self.W
            if self.trainable:
                grad_w = self.layer_input.T.dot(accum_grad)
                grad_w0 = np.sum(accum_grad, axis=0, keepdims=True)
                self.W = self.W_opt.update(self.W, grad_w)
                self.w0 = self.w0_opt.update(self.w0, grad_w0)
            return accum_grad.dot(W.T)

        def output_shape(self):
            return (self.n_units,)

    class RNN(Layer):
        def __init__(self, n_units, activation="tanh", bptt_trunc=5, input_shape=None):
            self.input_shape = input_shape
            self.n_units = n_units
            self.activation = activation_functions[activation]()
            self.trainable = True
            self.bptt_trunc = bptt_trunc

        def initialize(self, optimizer):
            timesteps, input_dim = self.input_shape
            limit = 1 / math.sqrt(input_dim)
            self.U = np.random.uniform(-limit, limit, (self.n_units, input_dim))
            limit = 1 / math.sqrt(self.n_units)
            self.V = np.random.uniform(-limit, limit, (input_dim, self.n_units))
            self.W = np.random.uniform(-limit, limit, (self.n_units, self.n_units))
            self.U_opt = copy.copy(optimizer)
            self.V_opt = copy.copy(optimizer)
            self.W_opt = copy.copy(optimizer)

        def parameters(self):
            return np.prod(self.W.shape) + np.prod(self.U.shape) + np.prod(self.V.shape)

        def forward_pass(self, X, training=True):
            self.layer_input = X
            batch_size, timesteps, input_dim = X.shape
            self.state_input = np.zeros((batch_size, timesteps, self.n_units))
            self.states = np.zeros((batch_size, timesteps + 1, self.n_units))
            self.outputs = np.zeros((batch_size, timesteps, input_dim))
            self.states[:, -1] = np.zeros((batch_size, self.n_units))
            for t in range(timesteps):
                self.state_input[:, t] = X[:, t].dot(self.U.T) + self.states[:, t - 1].dot(self.W.T)
                self.states[:, t] = self.activation(self.state_input[:, t])
                self.outputs[:, t] = self.states[:, t].dot(self.V.T)
            return self.outputs

        def backward_pass(self, accum_grad):
            _, timesteps, _ = accum_grad.shape
            grad_U = np.zeros_like(self.U)
            grad_V = np.zeros_like(self.V)
            grad_W = np.zeros_like(self.W)
            accum_grad_next = np.zeros_like(accum_grad)
            for t in reversed(range(timesteps)):
                grad_V += accum_grad[:, t].T.dot(self.states[:, t])
                grad_wrt_state = accum_grad[:, t].dot(self.V) * self.activation.gradient(
                    self.state_input[:, t]
                )
                accum_grad_next[:, t] = grad_wrt_state.dot(self.U)
                for t_ in reversed(np.arange(max(0, t - self.bptt_trunc), t + 1)):
                    grad_U += grad_wrt_state.T.dot(self.layer_input[:, t_])
                    grad_W += grad_wrt_state.T.dot(self.states[:, t_ - 1])
                    grad_wrt_state = grad_wrt_state.dot(self.W) * self.activation.gradient(
                        self.state_input[:, t_ - 1]
                    )
            self.U = self.U_opt.update(self.U, grad_U)
            self.V = self.V_opt.update(self.V, grad_V)
            self.W = self.W_opt.update(self.W, grad_W)
            return accum_grad_next

        def output_shape(self):
            return self.input_shape

    class Conv2D(Layer):
        def __init__(self, n_filters, filter_shape, input_shape=None, padding="same", stride=1):
            self.n_filters = n_filters
            self.filter_shape = filter_shape
            self.padding = padding
            self.stride = stride
            self.input_shape = input_shape
            self.trainable = True

        def initialize(self, optimizer):
            filter_height, filter_width = self.filter_shape
            channels = self.input_shape[0]
            limit = 1 / math.sqrt(np.prod(self.filter_shape))
            self.W = np.random.uniform(
                -limit, limit, size=(self.n_filters, channels, filter_height, filter_width)
            )
            self.w0 = np.zeros((self.n_filters, 1))
            self.W_opt = copy.copy(optimizer)
            self.w0_opt = copy.copy(optimizer)

        def parameters(self):
            return np.prod(self.W.shape) + np.prod(self.w0.shape)

        def forward_pass(self, X, training=True):
            batch_size, channels, height, width = X.shape
            self.layer_input = X
            self.X_col = image_to_column(
                X, self.filter_shape, stride=self.stride, output_shape=self.padding
            )
            self.W_col = self.W.reshape((self.n_filters, -1))
            output = self.W_col.dot(self.X_col) + self.w0
            output = output.reshape(self.output_shape() + (batch_size,))
            return output.transpose(3, 0, 1, 2)

        def backward_pass(self, accum_grad):
            accum_grad = accum_grad.transpose(1, 2, 3, 0).reshape(self.n_filters, -1)
            if self.trainable:
                grad_w = accum_grad.dot(self.X_col.T).reshape(self.W.shape)
                grad_w0 = np.sum(accum_grad, axis=1, keepdims=True)
                self.W = self.W_opt.update(self.W, grad_w)
                self.w0 = self.w0_opt.update(self.w0, grad_w0)
            accum_grad = self.W_col.T.dot(accum_grad)
            accum_grad = column_to_image(
                accum_grad,
                self.layer_input.shape,
                self.filter_shape,
                stride=self.stride,
                output_shape=self.padding,
            )
            return accum_grad

        def output_shape(self):
            channels, height, width = self.input_shape
            pad_h, pad_w = determine_padding(self.filter_shape, output_shape=self.padding)
            output_height = (height + np.sum(pad_h) - self.filter_shape[0]) / self.stride + 1
            output_width = (width + np.sum(pad_w) - self.filter_shape[1]) / self.stride + 1
            return self.n_filters, int(output_height), int(output_width)

    class BatchNormalization(Layer):
        def __init__(self, momentum=0.99):
            self.momentum = momentum
            self.trainable = True
            self.eps = 0.01
            self.running_mean = None
            self.running_var = None

        def initialize(self, optimizer):
            self.gamma = np.ones(self.input_shape)
            self.beta = np.zeros(self.input_shape)
            self.gamma_opt = copy.copy(optimizer)
            self.beta_opt = copy.copy(optimizer)

        def parameters(self):
            return np.prod(self.gamma.shape) + np.prod(self.beta.shape)

        def forward_pass(self, X, training=True):
            if self.running_mean is None:
                self.running_mean = np.mean(X, axis=0)
                self.running_var = np.var(X, axis=0)
            if training:
                mean = np.mean(X, axis=0)
                var = np.var(X, axis=0)
                self.X_centered = X - mean
                self.stddev_inv = 1 / np.sqrt(var + self.eps)
                self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mean
                self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
            else:
                mean = self.running_mean
                var = self.running_var
            X_norm = (X - mean) / np.sqrt(var + self.eps)
            return self.gamma * X_norm + self.beta

        def backward_pass(self, accum_grad):
            gamma = self.gamma
            if self.trainable:
                X_norm = self.X_centered * self.stddev_inv
                grad_gamma = np.sum(accum_grad * X_norm, axis=0)
                grad_beta = np.sum(accum_grad, axis=0)
                self.gamma = self.gamma_opt.update(self.gamma, grad_gamma)
                self.beta = self.beta_opt.update(self.beta, grad_beta)
            batch_size = accum_grad.shape[0]
            accum_grad = (
                (1 / batch_size)
                * gamma
                * self.stddev_inv
                * (
                    batch_size * accum_grad
                    - np.sum(accum_grad, axis=0)
                    - self.X_centered
                    * self.stddev_inv**2
                    * np.sum(accum_grad * self.X_centered, axis=0)
                )
            )
            return accum_grad

        def output_shape(self):
            return self.input_shape

    class PoolingLayer(Layer):
        def __init__(self, pool_shape=(2, 2), stride=1, padding="valid"):
            self.pool_shape = pool_shape
            self.stride = stride
            self.padding = padding
            self.trainable = True

        def forward_pass(self, X, training=True):
            self.layer_input = X
            batch_size, channels, height, width = X.shape
            _, out_height, out_width = self.output_shape()
            X = X.reshape(batch_size * channels, 1, height, width)
            X_col = image_to_column(X, self.pool_shape, self.stride, self.padding)
            output = self._pool_forward(X_col)
            output = output.reshape(out_height, out_width, batch_size, channels)
            return output.transpose(2, 3, 0, 1)

        def backward_pass(self, accum_grad):
            batch_size, _, _, _ = accum_grad.shape
            channels, height, width = self.input_shape
            accum_grad = accum_grad.transpose(2, 3, 0, 1).ravel()
            accum_grad_col = self._pool_backward(accum_grad)
            accum_grad = column_to_image(
                accum_grad_col,
                (batch_size * channels, 1, height, width),
                self.pool_shape,
                self.stride,
                self.padding,
            )
            return accum_grad.reshape((batch_size,) + self.input_shape)

        def output_shape(self):
            channels, height, width = self.input_shape
            out_height = (height - self.pool_shape[0]) / self.stride + 1
            out_width = (width - self.pool_shape[1]) / self.stride + 1
            assert out_height % 1 == 0
            assert out_width % 1 == 0
            return channels, int(out_height), int(out_width)

    class MaxPooling2D(PoolingLayer):
        def _pool_forward(self, X_col):
            arg_max = np.argmax(X_col, axis=0).flatten()
            output = X_col[arg_max, range(arg_max.size)]
            self.cache = arg_max
            return output

        def _pool_backward(self, accum_grad):
            accum_grad_col = np.zeros((np.prod(self.pool_shape), accum_grad.size))
            arg_max = self.cache
            accum_grad_col[arg_max, range(accum_grad.size)] = accum_grad
            return accum_grad_col

    class AveragePooling2D(PoolingLayer):
        def _pool_forward(self, X_col):
            return np.mean(X_col, axis=0)

        def _pool_backward(self, accum_grad):
            accum_grad_col = np.zeros((np.prod(self.pool_shape), accum_grad.size))
            accum_grad_col[:, range(accum_grad.size)] = 1.0 / accum_grad_col.shape[0] * accum_grad
            return accum_grad_col

    class ZeroPadding2D(Layer):
        def __init__(self, padding):
            self.padding = padding
            self.trainable = True
            if isinstance(padding[0], int):
                self.padding = ((padding[0], padding[0]), padding[1])
            if isinstance(padding[1], int):
                self.padding = (self.padding[0], (padding[1], padding[1]))
            self.padding_value = 0

        def forward_pass(self, X, training=True):
            return np.pad(
                X,
                pad_width=((0, 0), (0, 0), self.padding[0], self.padding[1]),
                mode="constant",
                constant_values=self.padding_value,
            )

        def backward_pass(self, accum_grad):
            pad_top, pad_left = self.padding[0][0], self.padding[1][0]
            height, width = self.input_shape[1], self.input_shape[2]
            return accum_grad[:, :, pad_top : pad_top + height, pad_left : pad_left + width]

        def output_shape(self):
            new_height = self.input_shape[1] + np.sum(self.padding[0])
            new_width = self.input_shape[2] + np.sum(self.padding[1])
            return (self.input_shape[0], new_height, new_width)

    class Flatten(Layer):
        def __init__(self, input_shape=None):
            self.prev_shape = None
            self.trainable = True
            self.input_shape = input_shape

        def forward_pass(self, X, training=True):
            self.prev_shape = X.shape
            return X.reshape((X.shape[0], -1))

        def backward_pass(self, accum_grad):
            return accum_grad.reshape(self.prev_shape)

        def output_shape(self):
            return (np.prod(self.input_shape),)

    class UpSampling2D(Layer):
        def __init__(self, size=(2, 2), input_shape=None):
            self.prev_shape = None
            self.trainable = True
            self.size = size
            self.input_shape = input_shape

        def forward_pass(self, X, training=True):
            self.prev_shape = X.shape
            return X.repeat(self.size[0], axis=2).repeat(self.size[1], axis=3)

        def backward_pass(self, accum_grad):
            return accum_grad[:, :, :: self.size[0], :: self.size[1]]

        def output_shape(self):
            channels, height, width = self.input_shape
            return channels, self.size[0] * height, self.size[1] * width

    class Dropout(Layer):
        def __init__(self, p=0.2):
            self.p = p
            self._mask = None
            self.input_shape = None
            self.trainable = True

        def forward_pass(self, X, training=True):
            c = 1 - self.p
            if training:
                self._mask = np.random.uniform(size=X.shape) > self.p
                c = self._mask
            return X * c

        def backward_pass(self, accum_grad):
            return accum_grad * self._mask

        def output_shape(self):
            return self.input_shape

    class Activation(Layer):
        def __init__(self, name):
            self.activation_name = name
            self.activation_func = activation_functions[name]()
            self.trainable = True

        def layer_name(self):
            return "Activation (%s)" % (self.activation_func.__class__.__name__)

        def forward_pass(self, X, training=True):
            self.layer_input = X
            return self.activation_func(X)

        def backward_pass(self, accum_grad):
            return accum_grad * self.activation_func.gradient(self.layer_input)

        def output_shape(self):
            return self.input_shape

    class NeuralNetwork:
        def __init__(self, optimizer, loss, validation_data=None):
            self.optimizer = optimizer
            self.layers = []
            self.errors = {"training": [], "validation": []}
            self.loss_function = loss()

        def add(self, layer):
            if self.layers:
                layer.set_input_shape(shape=self.layers[-1].output_shape())
            if hasattr(layer, "initialize"):
                layer.initialize(optimizer=self.optimizer)
            self.layers.append(layer)

        def train_on_batch(self, X, y):
            y_pred = self._forward_pass(X)
            loss = np.mean(self.loss_function.loss(y, y_pred))
            acc = self.loss_function.acc(y, y_pred)
            loss_grad = self.loss_function.gradient(y, y_pred)
            self._backward_pass(loss_grad=loss_grad)
            return loss, acc

        def fit(self, X, y, n_epochs, batch_size):
            for _ in range(n_epochs):
                batch_error = []
                for X_batch, y_batch in U["batch_iterator"](X, y, batch_size=batch_size):
                    loss, _ = self.train_on_batch(X_batch, y_batch)
                    batch_error.append(loss)
                self.errors["training"].append(np.mean(batch_error))
            return self.errors["training"], self.errors["validation"]

        def _forward_pass(self, X, training=True):
            layer_output = X
            for layer in self.layers:
                layer_output = layer.forward_pass(layer_output, training)
            return layer_output

        def _backward_pass(self, loss_grad):
            for layer in reversed(self.layers):
                loss_grad = layer.backward_pass(loss_grad)

        def summary(self, name="Model Summary"):
            print(name)
            print("Input Shape: %s" % str(self.layers[0].input_shape))
            tot_params = 0
            for layer in self.layers:
                layer_name = layer.layer_name()
                params = layer.parameters()
                out_shape = layer.output_shape()
                # (str(out_shape) in the source: a tuple's np.int64 prints as np.int64(4),
                # an arrax 0-d array as array(4), the documented difference)
                print(layer_name, str(params), str(tuple(int(d) for d in out_shape)))
                tot_params += params
            print("Total Parameters: %d\n" % tot_params)

        def predict(self, X):
            return self._forward_pass(X, training=False)

    out = []
    np.random.seed(1)
    X = np.random.randn(24, 1, 6, 6)
    y = U["to_categorical"](np.random.randint(0, 3, size=24).astype("int"))
    for optimizer in [
        Adam(),
        RMSprop(),
        Adagrad(),
        Adadelta(),
        StochasticGradientDescent(0.1, 0.9),
    ]:
        clf = NeuralNetwork(optimizer=optimizer, loss=U["CrossEntropy"])
        clf.add(Conv2D(n_filters=4, filter_shape=(3, 3), stride=1, input_shape=(1, 6, 6)))
        clf.add(Activation("relu"))
        clf.add(BatchNormalization())
        clf.add(MaxPooling2D(pool_shape=(2, 2), stride=2))
        clf.add(ZeroPadding2D(((1, 0), 0)))
        clf.add(UpSampling2D(size=(1, 2)))
        clf.add(AveragePooling2D(pool_shape=(2, 2), stride=2))
        clf.add(Flatten())
        clf.add(Dense(8))
        clf.add(Activation("leaky_relu"))
        clf.add(Dropout(0.25))
        clf.add(Dense(3))
        clf.add(Activation("softmax"))
        clf.summary(name="ConvNet")
        train_err, _ = clf.fit(X, y, n_epochs=3, batch_size=8)
        y_pred = np.argmax(clf.predict(X[:6]), axis=1)
        print("Training errors:", [float(e) for e in train_err])  # (as above)
        out += [train_err, y_pred, clf.layers[0].W, clf.layers[2].running_var]
    # the RNN layer on a sequence task (recurrent_neural_network.py's setup, smaller)
    rnn = NeuralNetwork(optimizer=Adam(), loss=U["CrossEntropy"])
    rnn.add(RNN(6, activation="tanh", bptt_trunc=3, input_shape=(5, 4)))
    rnn.add(Activation("softmax"))
    rnn.summary("RNN")
    Xs = np.zeros((10, 5, 4))
    Xs[np.arange(10)[:, None], np.arange(5), np.random.randint(0, 4, size=(10, 5))] = 1
    ys = np.roll(Xs, -1, axis=1)
    errs, _ = rnn.fit(Xs, ys, n_epochs=4, batch_size=5)
    out += [errs, rnn.predict(Xs[:2]), rnn.layers[0].W]
    return out


PROGRAMS = [
    "mlfs_deep_learning",
]
