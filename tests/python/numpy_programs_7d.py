"""Machine-learning-from-scratch programs people run with NumPy: nnfs (Neural Networks from
Scratch) and ddbourgin/numpy-ml. Each is a function of the module it runs with (numpy or
arrax.numpy; no plotting, no dataset downloads, small sizes), for
test_numpy_programs_like_numpy_7.py; each names its source. Random inputs come from NumPy's
legacy generator (np.random.seed), which arrax.numpy.random reproduces draw for draw."""


# --- nnfs ("Neural Networks from Scratch", Sentdex/nnfs_book Chapter_15/Ch15_Final.py):
# spiral data, Layer_Dense with L2, ReLU, dropout, softmax + categorical cross-entropy,
# Adam; 60 epochs on 100 samples per class (10001 epochs on 1000 in the book)
def nnfs_ch15(np):
    np.random.seed(0)  # nnfs.init()

    def spiral_data(samples, classes):  # nnfs.datasets.spiral_data
        X = np.zeros((samples * classes, 2))
        y = np.zeros(samples * classes, dtype="uint8")
        for class_number in range(classes):
            ix = range(samples * class_number, samples * (class_number + 1))
            r = np.linspace(0.0, 1, samples)
            t = (
                np.linspace(class_number * 4, (class_number + 1) * 4, samples)
                + np.random.randn(samples) * 0.2
            )
            X[ix] = np.c_[r * np.sin(t * 2.5), r * np.cos(t * 2.5)]
            y[ix] = class_number
        return X, y

    class Layer_Dense:
        def __init__(self, n_inputs, n_neurons, weight_regularizer_l2=0, bias_regularizer_l2=0):
            self.weights = 0.01 * np.random.randn(n_inputs, n_neurons)
            self.biases = np.zeros((1, n_neurons))
            self.weight_regularizer_l1 = 0
            self.weight_regularizer_l2 = weight_regularizer_l2
            self.bias_regularizer_l1 = 0
            self.bias_regularizer_l2 = bias_regularizer_l2

        def forward(self, inputs):
            self.inputs = inputs
            self.output = np.dot(inputs, self.weights) + self.biases

        def backward(self, dvalues):
            self.dweights = np.dot(self.inputs.T, dvalues)
            self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
            if self.weight_regularizer_l1 > 0:
                dL1 = np.ones_like(self.weights)
                dL1[self.weights < 0] = -1
                self.dweights += self.weight_regularizer_l1 * dL1
            if self.weight_regularizer_l2 > 0:
                self.dweights += 2 * self.weight_regularizer_l2 * self.weights
            if self.bias_regularizer_l2 > 0:
                self.dbiases += 2 * self.bias_regularizer_l2 * self.biases
            self.dinputs = np.dot(dvalues, self.weights.T)

    class Layer_Dropout:
        def __init__(self, rate):
            self.rate = 1 - rate

        def forward(self, inputs):
            self.inputs = inputs
            self.binary_mask = np.random.binomial(1, self.rate, size=inputs.shape) / self.rate
            self.output = inputs * self.binary_mask

        def backward(self, dvalues):
            self.dinputs = dvalues * self.binary_mask

    class Activation_ReLU:
        def forward(self, inputs):
            self.inputs = inputs
            self.output = np.maximum(0, inputs)

        def backward(self, dvalues):
            self.dinputs = dvalues.copy()
            self.dinputs[self.inputs <= 0] = 0

    class Activation_Softmax:
        def forward(self, inputs):
            self.inputs = inputs
            exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
            self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)

        def backward(self, dvalues):
            self.dinputs = np.empty_like(dvalues)
            for index, (single_output, single_dvalues) in enumerate(zip(self.output, dvalues)):
                single_output = single_output.reshape(-1, 1)
                jacobian_matrix = np.diagflat(single_output) - np.dot(
                    single_output, single_output.T
                )
                self.dinputs[index] = np.dot(jacobian_matrix, single_dvalues)

    class Optimizer_Adam:
        def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, beta_1=0.9, beta_2=0.999):
            self.learning_rate = learning_rate
            self.current_learning_rate = learning_rate
            self.decay = decay
            self.iterations = 0
            self.epsilon = epsilon
            self.beta_1 = beta_1
            self.beta_2 = beta_2

        def pre_update_params(self):
            if self.decay:
                self.current_learning_rate = self.learning_rate * (
                    1.0 / (1.0 + self.decay * self.iterations)
                )

        def update_params(self, layer):
            if not hasattr(layer, "weight_cache"):
                layer.weight_momentums = np.zeros_like(layer.weights)
                layer.weight_cache = np.zeros_like(layer.weights)
                layer.bias_momentums = np.zeros_like(layer.biases)
                layer.bias_cache = np.zeros_like(layer.biases)
            layer.weight_momentums = (
                self.beta_1 * layer.weight_momentums + (1 - self.beta_1) * layer.dweights
            )
            layer.bias_momentums = (
                self.beta_1 * layer.bias_momentums + (1 - self.beta_1) * layer.dbiases
            )
            weight_momentums_corrected = layer.weight_momentums / (
                1 - self.beta_1 ** (self.iterations + 1)
            )
            bias_momentums_corrected = layer.bias_momentums / (
                1 - self.beta_1 ** (self.iterations + 1)
            )
            layer.weight_cache = (
                self.beta_2 * layer.weight_cache + (1 - self.beta_2) * layer.dweights**2
            )
            layer.bias_cache = self.beta_2 * layer.bias_cache + (1 - self.beta_2) * layer.dbiases**2
            weight_cache_corrected = layer.weight_cache / (1 - self.beta_2 ** (self.iterations + 1))
            bias_cache_corrected = layer.bias_cache / (1 - self.beta_2 ** (self.iterations + 1))
            layer.weights += (
                -self.current_learning_rate
                * weight_momentums_corrected
                / (np.sqrt(weight_cache_corrected) + self.epsilon)
            )
            layer.biases += (
                -self.current_learning_rate
                * bias_momentums_corrected
                / (np.sqrt(bias_cache_corrected) + self.epsilon)
            )

        def post_update_params(self):
            self.iterations += 1

    class Loss:
        def regularization_loss(self, layer):
            regularization_loss = 0
            if layer.weight_regularizer_l1 > 0:
                regularization_loss += layer.weight_regularizer_l1 * np.sum(np.abs(layer.weights))
            if layer.weight_regularizer_l2 > 0:
                regularization_loss += layer.weight_regularizer_l2 * np.sum(
                    layer.weights * layer.weights
                )
            if layer.bias_regularizer_l2 > 0:
                regularization_loss += layer.bias_regularizer_l2 * np.sum(
                    layer.biases * layer.biases
                )
            return regularization_loss

        def calculate(self, output, y):
            sample_losses = self.forward(output, y)
            return np.mean(sample_losses)

    class Loss_CategoricalCrossentropy(Loss):
        def forward(self, y_pred, y_true):
            samples = len(y_pred)
            y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
            if len(y_true.shape) == 1:
                correct_confidences = y_pred_clipped[range(samples), y_true]
            elif len(y_true.shape) == 2:
                correct_confidences = np.sum(y_pred_clipped * y_true, axis=1)
            return -np.log(correct_confidences)

        def backward(self, dvalues, y_true):
            samples = len(dvalues)
            labels = len(dvalues[0])
            if len(y_true.shape) == 1:
                y_true = np.eye(labels)[y_true]
            self.dinputs = -y_true / dvalues
            self.dinputs = self.dinputs / samples

    class Activation_Softmax_Loss_CategoricalCrossentropy:
        def __init__(self):
            self.activation = Activation_Softmax()
            self.loss = Loss_CategoricalCrossentropy()

        def forward(self, inputs, y_true):
            self.activation.forward(inputs)
            self.output = self.activation.output
            return self.loss.calculate(self.output, y_true)

        def backward(self, dvalues, y_true):
            samples = len(dvalues)
            if len(y_true.shape) == 2:
                y_true = np.argmax(y_true, axis=1)
            self.dinputs = dvalues.copy()
            self.dinputs[range(samples), y_true] -= 1
            self.dinputs = self.dinputs / samples

    X, y = spiral_data(samples=100, classes=3)
    dense1 = Layer_Dense(2, 64, weight_regularizer_l2=5e-4, bias_regularizer_l2=5e-4)
    activation1 = Activation_ReLU()
    dropout1 = Layer_Dropout(0.1)
    dense2 = Layer_Dense(64, 3)
    loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy()
    optimizer = Optimizer_Adam(learning_rate=0.05, decay=5e-5)
    losses = []
    for epoch in range(61):
        dense1.forward(X)
        activation1.forward(dense1.output)
        dropout1.forward(activation1.output)
        dense2.forward(dropout1.output)
        data_loss = loss_activation.forward(dense2.output, y)
        regularization_loss = loss_activation.loss.regularization_loss(
            dense1
        ) + loss_activation.loss.regularization_loss(dense2)
        loss = data_loss + regularization_loss
        predictions = np.argmax(loss_activation.output, axis=1)
        if len(y.shape) == 2:
            y = np.argmax(y, axis=1)
        accuracy = np.mean(predictions == y)
        losses.append(loss)
        if not epoch % 20:
            print(
                f"epoch: {epoch}, "
                + f"acc: {accuracy:.3f}, "
                + f"loss: {loss:.3f} ("
                + f"data_loss: {data_loss:.3f}, "
                + f"reg_loss: {regularization_loss:.3f}), "
                + f"lr: {optimizer.current_learning_rate}"
            )
        loss_activation.backward(loss_activation.output, y)
        dense2.backward(loss_activation.dinputs)
        dropout1.backward(dense2.dinputs)
        activation1.backward(dropout1.dinputs)
        dense1.backward(activation1.dinputs)
        optimizer.pre_update_params()
        optimizer.update_params(dense1)
        optimizer.update_params(dense2)
        optimizer.post_update_params()
    # the separate softmax and cross-entropy backward passes give the combined one's gradient
    softmax_outputs = loss_activation.output[:5]
    class_targets = y[:5]
    activation = Activation_Softmax()
    activation.output = softmax_outputs
    loss_fn = Loss_CategoricalCrossentropy()
    loss_fn.backward(softmax_outputs, class_targets)
    activation.backward(loss_fn.dinputs)
    combined = Activation_Softmax_Loss_CategoricalCrossentropy()
    combined.backward(softmax_outputs, class_targets)
    print(
        "Gradients: separate vs combined",
        np.abs(activation.dinputs - combined.dinputs).max() < 1e-7,
    )
    X_test, y_test = spiral_data(samples=20, classes=3)
    dense1.forward(X_test)
    activation1.forward(dense1.output)
    dense2.forward(activation1.output)
    loss = loss_activation.forward(dense2.output, y_test)
    predictions = np.argmax(loss_activation.output, axis=1)
    accuracy = np.mean(predictions == y_test)
    print(f"validation, acc: {accuracy:.3f}, loss: {loss:.3f}")
    return [
        X,
        y,
        losses,
        dense1.weights,
        dense2.biases,
        activation.dinputs,
        combined.dinputs,
        predictions,
        accuracy,
        loss,
    ]


# --- ddbourgin/numpy-ml numpy_ml/neural_nets/utils/utils.py: minibatch, padding ('same',
# asymmetric, causal), dilate, im2col/col2im, conv2D against conv2D_naive, conv1D,
# deconv2D_naive, calc_fan/he_uniform
def numpy_ml_conv_utils(np):
    def minibatch(X, batchsize=256, shuffle=True):
        N = X.shape[0]
        ix = np.arange(N)
        n_batches = int(np.ceil(N / batchsize))
        if shuffle:
            np.random.shuffle(ix)

        def mb_generator():
            for i in range(n_batches):
                yield ix[i * batchsize : (i + 1) * batchsize]

        return mb_generator(), n_batches

    def calc_pad_dims_2D(X_shape, out_dim, kernel_shape, stride, dilation=0):
        if not isinstance(X_shape, tuple):
            raise ValueError("`X_shape` must be of type tuple")
        if not isinstance(out_dim, tuple):
            raise ValueError("`out_dim` must be of type tuple")
        if not isinstance(kernel_shape, tuple):
            raise ValueError("`kernel_shape` must be of type tuple")
        if not isinstance(stride, int):
            raise ValueError("`stride` must be of type int")
        d = dilation
        fr, fc = kernel_shape
        out_rows, out_cols = out_dim
        n_ex, in_rows, in_cols, in_ch = X_shape
        _fr, _fc = fr * (d + 1) - d, fc * (d + 1) - d
        pr = int((stride * (out_rows - 1) + _fr - in_rows) / 2)
        pc = int((stride * (out_cols - 1) + _fc - in_cols) / 2)
        out_rows1 = int(1 + (in_rows + 2 * pr - _fr) / stride)
        out_cols1 = int(1 + (in_cols + 2 * pc - _fc) / stride)
        pr1, pr2 = pr, pr
        if out_rows1 == out_rows - 1:
            pr1, pr2 = pr, pr + 1
        elif out_rows1 != out_rows:
            raise AssertionError
        pc1, pc2 = pc, pc
        if out_cols1 == out_cols - 1:
            pc1, pc2 = pc, pc + 1
        elif out_cols1 != out_cols:
            raise AssertionError
        if any(np.array([pr1, pr2, pc1, pc2]) < 0):
            raise ValueError("Padding cannot be less than 0. Got: {}".format((pr1, pr2, pc1, pc2)))
        return (pr1, pr2, pc1, pc2)

    def calc_pad_dims_1D(X_shape, l_out, kernel_width, stride, dilation=0, causal=False):
        d = dilation
        fw = kernel_width
        n_ex, l_in, in_ch = X_shape
        _fw = fw * (d + 1) - d
        total_pad = int((stride * (l_out - 1) + _fw - l_in))
        if not causal:
            pw = total_pad // 2
            l_out1 = int(1 + (l_in + 2 * pw - _fw) / stride)
            pw1, pw2 = pw, pw
            if l_out1 == l_out - 1:
                pw1, pw2 = pw, pw + 1
            elif l_out1 != l_out:
                raise AssertionError
        if causal:
            pw1, pw2 = total_pad, 0
            l_out1 = int(1 + (l_in + total_pad - _fw) / stride)
            assert l_out1 == l_out
        if any(np.array([pw1, pw2]) < 0):
            raise ValueError("Padding cannot be less than 0. Got: {}".format((pw1, pw2)))
        return (pw1, pw2)

    def pad1D(X, pad, kernel_width=None, stride=None, dilation=0):
        p = pad
        if isinstance(p, int):
            p = (p, p)
        if isinstance(p, tuple):
            X_pad = np.pad(
                X, pad_width=((0, 0), (p[0], p[1]), (0, 0)), mode="constant", constant_values=0
            )
        if p in ["same", "causal"] and kernel_width and stride:
            causal = p == "causal"
            p = calc_pad_dims_1D(
                X.shape, X.shape[1], kernel_width, stride, causal=causal, dilation=dilation
            )
            X_pad, p = pad1D(X, p)
        return X_pad, p

    def pad2D(X, pad, kernel_shape=None, stride=None, dilation=0):
        p = pad
        if isinstance(p, int):
            p = (p, p, p, p)
        if isinstance(p, tuple):
            if len(p) == 2:
                p = (p[0], p[0], p[1], p[1])
            X_pad = np.pad(
                X,
                pad_width=((0, 0), (p[0], p[1]), (p[2], p[3]), (0, 0)),
                mode="constant",
                constant_values=0,
            )
        if p == "same" and kernel_shape and stride is not None:
            p = calc_pad_dims_2D(X.shape, X.shape[1:3], kernel_shape, stride, dilation=dilation)
            X_pad, p = pad2D(X, p)
        return X_pad, p

    def dilate(X, d):
        n_ex, in_rows, in_cols, n_in = X.shape
        r_ix = np.repeat(np.arange(1, in_rows), d)
        c_ix = np.repeat(np.arange(1, in_cols), d)
        Xd = np.insert(X, r_ix, 0, axis=1)
        Xd = np.insert(Xd, c_ix, 0, axis=2)
        return Xd

    def calc_fan(weight_shape):
        if len(weight_shape) == 2:
            fan_in, fan_out = weight_shape
        elif len(weight_shape) in [3, 4]:
            in_ch, out_ch = weight_shape[-2:]
            kernel_size = np.prod(weight_shape[:-2])
            fan_in, fan_out = in_ch * kernel_size, out_ch * kernel_size
        else:
            raise ValueError("Unrecognized weight dimension: {}".format(weight_shape))
        return fan_in, fan_out

    def _im2col_indices(X_shape, fr, fc, p, s, d=0):
        pr1, pr2, pc1, pc2 = p
        n_ex, n_in, in_rows, in_cols = X_shape
        _fr, _fc = fr * (d + 1) - d, fc * (d + 1) - d
        out_rows = (in_rows + pr1 + pr2 - _fr) // s + 1
        out_cols = (in_cols + pc1 + pc2 - _fc) // s + 1
        if any([out_rows <= 0, out_cols <= 0]):
            raise ValueError(
                "Dimension mismatch during convolution: out_rows = {}, out_cols = {}".format(
                    out_rows, out_cols
                )
            )
        i0 = np.repeat(np.arange(fr), fc)
        i0 = np.tile(i0, n_in) * (d + 1)
        i1 = s * np.repeat(np.arange(out_rows), out_cols)
        j0 = np.tile(np.arange(fc), fr * n_in) * (d + 1)
        j1 = s * np.tile(np.arange(out_cols), out_rows)
        i = i0.reshape(-1, 1) + i1.reshape(1, -1)
        j = j0.reshape(-1, 1) + j1.reshape(1, -1)
        k = np.repeat(np.arange(n_in), fr * fc).reshape(-1, 1)
        return k, i, j

    def im2col(X, W_shape, pad, stride, dilation=0):
        fr, fc, n_in, n_out = W_shape
        s, p, d = stride, pad, dilation
        n_ex, in_rows, in_cols, n_in = X.shape
        X_pad, p = pad2D(X, p, W_shape[:2], stride=s, dilation=d)
        pr1, pr2, pc1, pc2 = p
        X_pad = X_pad.transpose(0, 3, 1, 2)
        k, i, j = _im2col_indices((n_ex, n_in, in_rows, in_cols), fr, fc, p, s, d)
        X_col = X_pad[:, k, i, j]
        X_col = X_col.transpose(1, 2, 0).reshape(fr * fc * n_in, -1)
        return X_col, p

    def col2im(X_col, X_shape, W_shape, pad, stride, dilation=0):
        if not (isinstance(pad, tuple) and len(pad) == 4):
            raise TypeError("pad must be a 4-tuple, but got: {}".format(pad))
        s, d = stride, dilation
        pr1, pr2, pc1, pc2 = pad
        fr, fc, n_in, n_out = W_shape
        n_ex, in_rows, in_cols, n_in = X_shape
        X_pad = np.zeros((n_ex, n_in, in_rows + pr1 + pr2, in_cols + pc1 + pc2))
        k, i, j = _im2col_indices((n_ex, n_in, in_rows, in_cols), fr, fc, pad, s, d)
        X_col_reshaped = X_col.reshape(n_in * fr * fc, -1, n_ex)
        X_col_reshaped = X_col_reshaped.transpose(2, 0, 1)
        np.add.at(X_pad, (slice(None), k, i, j), X_col_reshaped)
        pr2 = None if pr2 == 0 else -pr2
        pc2 = None if pc2 == 0 else -pc2
        return X_pad[:, :, pr1:pr2, pc1:pc2]

    def conv2D(X, W, stride, pad, dilation=0):
        s, d = stride, dilation
        _, p = pad2D(X, pad, W.shape[:2], s, dilation=dilation)
        pr1, pr2, pc1, pc2 = p
        fr, fc, in_ch, out_ch = W.shape
        n_ex, in_rows, in_cols, in_ch = X.shape
        _fr, _fc = fr * (d + 1) - d, fc * (d + 1) - d
        out_rows = int((in_rows + pr1 + pr2 - _fr) / s + 1)
        out_cols = int((in_cols + pc1 + pc2 - _fc) / s + 1)
        X_col, _ = im2col(X, W.shape, p, s, d)
        W_col = W.transpose(3, 2, 0, 1).reshape(out_ch, -1)
        Z = (W_col @ X_col).reshape(out_ch, out_rows, out_cols, n_ex).transpose(3, 1, 2, 0)
        return Z

    def conv1D(X, W, stride, pad, dilation=0):
        _, p = pad1D(X, pad, W.shape[0], stride, dilation=dilation)
        X2D = np.expand_dims(X, axis=1)
        W2D = np.expand_dims(W, axis=0)
        p2D = (0, 0, p[0], p[1])
        Z2D = conv2D(X2D, W2D, stride, p2D, dilation)
        return np.squeeze(Z2D, axis=1)

    def deconv2D_naive(X, W, stride, pad, dilation=0):
        if stride > 1:
            X = dilate(X, stride - 1)
            stride = 1
        X_pad, p = pad2D(X, pad, W.shape[:2], stride=stride, dilation=dilation)
        n_ex, in_rows, in_cols, n_in = X_pad.shape
        fr, fc, n_in, n_out = W.shape
        s, d = stride, dilation
        pr1, pr2, pc1, pc2 = p
        _fr, _fc = fr * (d + 1) - d, fc * (d + 1) - d
        out_rows = s * (in_rows - 1) - pr1 - pr2 + _fr
        out_cols = s * (in_cols - 1) - pc1 - pc2 + _fc
        out_dim = (out_rows, out_cols)
        _p = calc_pad_dims_2D(X_pad.shape, out_dim, W.shape[:2], s, d)
        X_pad, pad = pad2D(X_pad, _p, W.shape[:2], stride=s, dilation=dilation)
        Z = conv2D(X_pad, np.rot90(W, 2), s, 0, d)
        pr2 = None if pr2 == 0 else -pr2
        pc2 = None if pc2 == 0 else -pc2
        return Z[:, pr1:pr2, pc1:pc2, :]

    def conv2D_naive(X, W, stride, pad, dilation=0):
        s, d = stride, dilation
        X_pad, p = pad2D(X, pad, W.shape[:2], stride=s, dilation=d)
        pr1, pr2, pc1, pc2 = p
        fr, fc, in_ch, out_ch = W.shape
        n_ex, in_rows, in_cols, in_ch = X.shape
        fr, fc = fr * (d + 1) - d, fc * (d + 1) - d
        out_rows = int((in_rows + pr1 + pr2 - fr) / s + 1)
        out_cols = int((in_cols + pc1 + pc2 - fc) / s + 1)
        Z = np.zeros((n_ex, out_rows, out_cols, out_ch))
        for m in range(n_ex):
            for c in range(out_ch):
                for i in range(out_rows):
                    for j in range(out_cols):
                        i0, i1 = i * s, (i * s) + fr
                        j0, j1 = j * s, (j * s) + fc
                        window = X_pad[m, i0 : i1 : (d + 1), j0 : j1 : (d + 1), :]
                        Z[m, i, j, c] = np.sum(window * W[:, :, :, c])
        return Z

    def he_uniform(weight_shape):
        fan_in, fan_out = calc_fan(weight_shape)
        b = np.sqrt(6 / fan_in)
        return np.random.uniform(-b, b, size=weight_shape)

    out = []
    np.random.seed(12345)
    X = np.random.randn(2, 6, 6, 3)
    gen, n_batches = minibatch(X, batchsize=3)
    out += [list(gen), n_batches]
    W = he_uniform((3, 3, 3, 4))
    out += [W, calc_fan((3, 3, 3, 4)), calc_fan((5, 7))]
    for pad, s, d in [("same", 1, 0), (1, 2, 0), ((0, 1), 1, 1), ("same", 2, 0), (0, 1, 0)]:
        Z = conv2D(X, W, s, pad, d)
        Zn = conv2D_naive(X, W, s, pad, d)
        X_col, p = im2col(X, W.shape, pad, s, d)
        print(pad, s, d, Z.shape, p)
        out += [Z, Zn, X_col, p, col2im(X_col, X.shape, W.shape, p, s, d)]
    out.append(dilate(X[:, :3, :3, :1], 2))
    out.append(deconv2D_naive(X[:, :4, :4, :], W, 2, 1))
    X1 = np.random.randn(2, 7, 3)
    W1 = np.random.randn(3, 3, 2)
    for pad in ["same", "causal", 1]:
        print(pad, pad1D(X1, pad, 3, 1)[1])
        out.append(conv1D(X1, W1, 1, pad))
    return out


PROGRAMS = [
    "nnfs_ch15",
    "numpy_ml_conv_utils",
]
