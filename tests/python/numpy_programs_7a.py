"""Machine-learning-from-scratch programs people run with NumPy: Karpathy's min-char-rnn and
cs231n's assignment code. Each is a function of the module it runs with (numpy or
arrax.numpy; no plotting, no dataset downloads, small sizes), for
test_numpy_programs_like_numpy_7.py; each names its source. Random inputs come from NumPy's
legacy generator (np.random.seed), which arrax.numpy.random reproduces draw for draw."""


# gist karpathy/d4dee566867f8291f086 (min-char-rnn.py), Python 3, on a short text, 50
# iterations, sampling every 10; and the gradient check from the gist's comments
def karpathy_min_char_rnn(np):
    np.random.seed(0)
    data = "hello world, hello numpy! the quick brown fox jumps over the lazy dog. " * 4
    chars = sorted(set(data))  # list(set(data)) in the gist: sorted for a fixed order
    data_size, vocab_size = len(data), len(chars)
    print("data has %d characters, %d unique." % (data_size, vocab_size))
    char_to_ix = {ch: i for i, ch in enumerate(chars)}
    ix_to_char = {i: ch for i, ch in enumerate(chars)}
    hidden_size = 30
    seq_length = 10
    learning_rate = 1e-1
    Wxh = np.random.randn(hidden_size, vocab_size) * 0.01
    Whh = np.random.randn(hidden_size, hidden_size) * 0.01
    Why = np.random.randn(vocab_size, hidden_size) * 0.01
    bh = np.zeros((hidden_size, 1))
    by = np.zeros((vocab_size, 1))

    def lossFun(inputs, targets, hprev):
        xs, hs, ys, ps = {}, {}, {}, {}
        hs[-1] = np.copy(hprev)
        loss = 0
        for t in range(len(inputs)):
            xs[t] = np.zeros((vocab_size, 1))
            xs[t][inputs[t]] = 1
            hs[t] = np.tanh(np.dot(Wxh, xs[t]) + np.dot(Whh, hs[t - 1]) + bh)
            ys[t] = np.dot(Why, hs[t]) + by
            ps[t] = np.exp(ys[t]) / np.sum(np.exp(ys[t]))
            loss += -np.log(ps[t][targets[t], 0])
        dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
        dbh, dby = np.zeros_like(bh), np.zeros_like(by)
        dhnext = np.zeros_like(hs[0])
        for t in reversed(range(len(inputs))):
            dy = np.copy(ps[t])
            dy[targets[t]] -= 1
            dWhy += np.dot(dy, hs[t].T)
            dby += dy
            dh = np.dot(Why.T, dy) + dhnext
            dhraw = (1 - hs[t] * hs[t]) * dh
            dbh += dhraw
            dWxh += np.dot(dhraw, xs[t].T)
            dWhh += np.dot(dhraw, hs[t - 1].T)
            dhnext = np.dot(Whh.T, dhraw)
        for dparam in [dWxh, dWhh, dWhy, dbh, dby]:
            np.clip(dparam, -5, 5, out=dparam)
        return loss, dWxh, dWhh, dWhy, dbh, dby, hs[len(inputs) - 1]

    def sample(h, seed_ix, n):
        x = np.zeros((vocab_size, 1))
        x[seed_ix] = 1
        ixes = []
        for _t in range(n):
            h = np.tanh(np.dot(Wxh, x) + np.dot(Whh, h) + bh)
            y = np.dot(Why, h) + by
            p = np.exp(y) / np.sum(np.exp(y))
            ix = np.random.choice(range(vocab_size), p=p.ravel())
            x = np.zeros((vocab_size, 1))
            x[ix] = 1
            ixes.append(ix)
        return ixes

    def gradCheck(inputs, targets, hprev):
        num_checks, delta = 4, 1e-5
        _, dWxh, dWhh, dWhy, dbh, dby, _ = lossFun(inputs, targets, hprev)
        rel = []
        for param, dparam, name in zip(
            [Wxh, Whh, Why, bh, by],
            [dWxh, dWhh, dWhy, dbh, dby],
            ["Wxh", "Whh", "Why", "bh", "by"],
        ):
            s0 = dparam.shape
            s1 = param.shape
            assert s0 == s1, "Error dims dont match: %s and %s." % (repr(s0), repr(s1))
            print(name)
            for _i in range(num_checks):
                ri = int(np.random.uniform(0, param.size))
                old_val = param.flat[ri]
                param.flat[ri] = old_val + delta
                cg0, _, _, _, _, _, _ = lossFun(inputs, targets, hprev)
                param.flat[ri] = old_val - delta
                cg1, _, _, _, _, _, _ = lossFun(inputs, targets, hprev)
                param.flat[ri] = old_val
                grad_analytic = dparam.flat[ri]
                grad_numerical = (cg0 - cg1) / (2 * delta)
                rel_error = abs(grad_analytic - grad_numerical) / abs(
                    grad_numerical + grad_analytic
                )
                rel.append((ri, grad_numerical, grad_analytic, rel_error))
        return rel

    n, p = 0, 0
    mWxh, mWhh, mWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    mbh, mby = np.zeros_like(bh), np.zeros_like(by)
    smooth_loss = -np.log(1.0 / vocab_size) * seq_length
    losses, samples = [], []
    while n < 50:
        if p + seq_length + 1 >= len(data) or n == 0:
            hprev = np.zeros((hidden_size, 1))
            p = 0
        inputs = [char_to_ix[ch] for ch in data[p : p + seq_length]]
        targets = [char_to_ix[ch] for ch in data[p + 1 : p + seq_length + 1]]
        if n % 10 == 0:
            sample_ix = sample(hprev, inputs[0], 40)
            txt = "".join(ix_to_char[ix] for ix in sample_ix)
            print("----\n %s \n----" % (txt,))
            samples.append(sample_ix)
        loss, dWxh, dWhh, dWhy, dbh, dby, hprev = lossFun(inputs, targets, hprev)
        smooth_loss = smooth_loss * 0.999 + loss * 0.001
        losses.append(loss)
        if n % 10 == 0:
            print("iter %d, loss: %f" % (n, smooth_loss))
        for param, dparam, mem in zip(
            [Wxh, Whh, Why, bh, by], [dWxh, dWhh, dWhy, dbh, dby], [mWxh, mWhh, mWhy, mbh, mby]
        ):
            mem += dparam * dparam
            param += -learning_rate * dparam / np.sqrt(mem + 1e-8)
        p += seq_length
        n += 1
    inputs = [char_to_ix[ch] for ch in data[:seq_length]]
    targets = [char_to_ix[ch] for ch in data[1 : seq_length + 1]]
    rel = gradCheck(inputs, targets, np.zeros((hidden_size, 1)))
    checks = [[r[0] for r in rel], [r[1] for r in rel], [r[2] for r in rel]]
    return [losses, samples, smooth_loss, Wxh, Whh, Why, bh, by, mWhh, checks[0], checks[2]]


# --- cs231n assignments 1 and 2 (layers.py, gradient_check.py, im2col.py, optim.py,
# classifiers/k_nearest_neighbor.py), in the form of the public solutions (Deeplayer/
# CS231n-winter-2016 layers.py and im2col.py; Python 3: // for the output sizes)


def _cs231n_lib(np):
    def affine_forward(x, w, b):
        N = x.shape[0]
        x_row = x.reshape(N, -1)
        out = np.dot(x_row, w) + b
        return out, (x, w, b)

    def affine_backward(dout, cache):
        x, w, b = cache
        dx = np.dot(dout, w.T)
        dx = np.reshape(dx, x.shape)
        x_row = x.reshape(x.shape[0], -1)
        dw = np.dot(x_row.T, dout)
        db = np.sum(dout, axis=0, keepdims=True)
        return dx, dw, db

    def relu_forward(x):
        return np.maximum(0, x), x

    def relu_backward(dout, cache):
        dx, x = None, cache
        dx = dout
        dx[x <= 0] = 0
        return dx

    def batchnorm_forward(x, gamma, beta, bn_param):
        mode = bn_param["mode"]
        eps = bn_param.get("eps", 1e-5)
        momentum = bn_param.get("momentum", 0.9)
        N, D = x.shape
        running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
        running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
        out, cache = None, None
        if mode == "train":
            sample_mean = np.mean(x, axis=0, keepdims=True)
            sample_var = np.var(x, axis=0, keepdims=True)
            x_normalized = (x - sample_mean) / np.sqrt(sample_var + eps)
            out = gamma * x_normalized + beta
            cache = (x_normalized, gamma, beta, sample_mean, sample_var, x, eps)
            running_mean = momentum * running_mean + (1 - momentum) * sample_mean
            running_var = momentum * running_var + (1 - momentum) * sample_var
        elif mode == "test":
            x_normalized = (x - running_mean) / np.sqrt(running_var + eps)
            out = gamma * x_normalized + beta
        else:
            raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
        bn_param["running_mean"] = running_mean
        bn_param["running_var"] = running_var
        return out, cache

    def batchnorm_backward(dout, cache):
        x_normalized, gamma, beta, sample_mean, sample_var, x, eps = cache
        N, D = x.shape
        dx_normalized = dout * gamma
        x_mu = x - sample_mean
        sample_std_inv = 1.0 / np.sqrt(sample_var + eps)
        dsample_var = -0.5 * np.sum(dx_normalized * x_mu, axis=0, keepdims=True) * sample_std_inv**3
        dsample_mean = -1.0 * np.sum(
            dx_normalized * sample_std_inv, axis=0, keepdims=True
        ) - 2.0 * dsample_var * np.mean(x_mu, axis=0, keepdims=True)
        dx1 = dx_normalized * sample_std_inv
        dx2 = 2.0 / N * dsample_var * x_mu
        dx = dx1 + dx2 + 1.0 / N * dsample_mean
        dgamma = np.sum(dout * x_normalized, axis=0, keepdims=True)
        dbeta = np.sum(dout, axis=0, keepdims=True)
        return dx, dgamma, dbeta

    def dropout_forward(x, dropout_param):
        p, mode = dropout_param["p"], dropout_param["mode"]
        if "seed" in dropout_param:
            np.random.seed(dropout_param["seed"])
        mask = None
        out = None
        if mode == "train":
            mask = (np.random.rand(*x.shape) < p) / p
            out = x * mask
        elif mode == "test":
            out = x
        cache = (dropout_param, mask)
        out = out.astype(x.dtype, copy=False)
        return out, cache

    def dropout_backward(dout, cache):
        dropout_param, mask = cache
        if dropout_param["mode"] == "train":
            return dout * mask
        return dout

    def conv_forward_naive(x, w, b, conv_param):
        stride, pad = conv_param["stride"], conv_param["pad"]
        N, C, H, W = x.shape
        F, C, HH, WW = w.shape
        x_padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
        H_new = 1 + (H + 2 * pad - HH) // stride
        W_new = 1 + (W + 2 * pad - WW) // stride
        s = stride
        out = np.zeros((N, F, H_new, W_new))
        for i in range(N):
            for f in range(F):
                for j in range(H_new):
                    for k in range(W_new):
                        out[i, f, j, k] = (
                            np.sum(x_padded[i, :, j * s : HH + j * s, k * s : WW + k * s] * w[f])
                            + b[f]
                        )
        return out, (x, w, b, conv_param)

    def conv_backward_naive(dout, cache):
        x, w, b, conv_param = cache
        pad = conv_param["pad"]
        stride = conv_param["stride"]
        F, C, HH, WW = w.shape
        N, C, H, W = x.shape
        H_new = 1 + (H + 2 * pad - HH) // stride
        W_new = 1 + (W + 2 * pad - WW) // stride
        dx = np.zeros_like(x)
        dw = np.zeros_like(w)
        db = np.zeros_like(b)
        s = stride
        x_padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), "constant")
        dx_padded = np.pad(dx, ((0, 0), (0, 0), (pad, pad), (pad, pad)), "constant")
        for i in range(N):
            for f in range(F):
                for j in range(H_new):
                    for k in range(W_new):
                        window = x_padded[i, :, j * s : HH + j * s, k * s : WW + k * s]
                        db[f] += dout[i, f, j, k]
                        dw[f] += window * dout[i, f, j, k]
                        dx_padded[i, :, j * s : HH + j * s, k * s : WW + k * s] += (
                            w[f] * dout[i, f, j, k]
                        )
        dx = dx_padded[:, :, pad : pad + H, pad : pad + W]
        return dx, dw, db

    def max_pool_forward_naive(x, pool_param):
        HH, WW = pool_param["pool_height"], pool_param["pool_width"]
        s = pool_param["stride"]
        N, C, H, W = x.shape
        H_new = 1 + (H - HH) // s
        W_new = 1 + (W - WW) // s
        out = np.zeros((N, C, H_new, W_new))
        for i in range(N):
            for j in range(C):
                for k in range(H_new):
                    for m in range(W_new):
                        window = x[i, j, k * s : HH + k * s, m * s : WW + m * s]
                        out[i, j, k, m] = np.max(window)
        return out, (x, pool_param)

    def max_pool_backward_naive(dout, cache):
        x, pool_param = cache
        HH, WW = pool_param["pool_height"], pool_param["pool_width"]
        s = pool_param["stride"]
        N, C, H, W = x.shape
        H_new = 1 + (H - HH) // s
        W_new = 1 + (W - WW) // s
        dx = np.zeros_like(x)
        for i in range(N):
            for j in range(C):
                for k in range(H_new):
                    for m in range(W_new):
                        window = x[i, j, k * s : HH + k * s, m * s : WW + m * s]
                        mx = np.max(window)
                        dx[i, j, k * s : HH + k * s, m * s : WW + m * s] = (window == mx) * dout[
                            i, j, k, m
                        ]
        return dx

    def svm_loss(x, y):
        N = x.shape[0]
        correct_class_scores = x[np.arange(N), y]
        margins = np.maximum(0, x - correct_class_scores[:, np.newaxis] + 1.0)
        margins[np.arange(N), y] = 0
        loss = np.sum(margins) / N
        num_pos = np.sum(margins > 0, axis=1)
        dx = np.zeros_like(x)
        dx[margins > 0] = 1
        dx[np.arange(N), y] -= num_pos
        dx /= N
        return loss, dx

    def softmax_loss(x, y):
        shifted_logits = x - np.max(x, axis=1, keepdims=True)
        Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
        log_probs = shifted_logits - np.log(Z)
        probs = np.exp(log_probs)
        N = x.shape[0]
        loss = -np.sum(log_probs[np.arange(N), y]) / N
        dx = probs.copy()
        dx[np.arange(N), y] -= 1
        dx /= N
        return loss, dx

    # gradient_check.py
    def eval_numerical_gradient(f, x, verbose=True, h=0.00001):
        grad = np.zeros_like(x)
        it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
        while not it.finished:
            ix = it.multi_index
            oldval = x[ix]
            x[ix] = oldval + h
            fxph = f(x)
            x[ix] = oldval - h
            fxmh = f(x)
            x[ix] = oldval
            grad[ix] = (fxph - fxmh) / (2 * h)
            if verbose:
                print(ix, grad[ix])
            it.iternext()
        return grad

    def eval_numerical_gradient_array(f, x, df, h=1e-5):
        grad = np.zeros_like(x)
        it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
        while not it.finished:
            ix = it.multi_index
            oldval = x[ix]
            x[ix] = oldval + h
            pos = f(x).copy()
            x[ix] = oldval - h
            neg = f(x).copy()
            x[ix] = oldval
            grad[ix] = np.sum((pos - neg) * df) / (2 * h)
            it.iternext()
        return grad

    def rel_error(x, y):
        return np.max(np.abs(x - y) / (np.maximum(1e-8, np.abs(x) + np.abs(y))))

    return dict(locals())


def cs231n_layers(np):
    L = _cs231n_lib(np)
    out = []
    np.random.seed(231)
    # affine_forward check from the assignment
    num_inputs, input_shape, output_dim = 2, (4, 5, 6), 3
    input_size = num_inputs * np.prod(input_shape)
    weight_size = output_dim * np.prod(input_shape)
    x = np.linspace(-0.1, 0.5, num=input_size).reshape(num_inputs, *input_shape)
    w = np.linspace(-0.2, 0.3, num=weight_size).reshape(np.prod(input_shape), output_dim)
    b = np.linspace(-0.3, 0.1, num=output_dim)
    o, _ = L["affine_forward"](x, w, b)
    out.append(o)
    # affine_backward with a numerical gradient
    x = np.random.randn(10, 2, 3)
    w = np.random.randn(6, 5)
    b = np.random.randn(5)
    dout = np.random.randn(10, 5)
    af = L["affine_forward"]
    dx_num = L["eval_numerical_gradient_array"](lambda x: af(x, w, b)[0], x, dout)
    dw_num = L["eval_numerical_gradient_array"](lambda w: af(x, w, b)[0], w, dout)
    db_num = L["eval_numerical_gradient_array"](lambda b: af(x, w, b)[0], b, dout)
    _, cache = af(x, w, b)
    dx, dw, db = L["affine_backward"](dout, cache)
    # (the assignment prints the errors, noise of about 1e-11: here whether they are small)
    print("dx error: ", L["rel_error"](dx_num, dx) < 1e-9)
    print("dw error: ", L["rel_error"](dw_num, dw) < 1e-9)
    out += [dx, dw, db, dx_num, dw_num, db_num]
    # relu
    x = np.linspace(-0.5, 0.5, num=12).reshape(3, 4)
    o, _ = L["relu_forward"](x)
    out.append(o)
    x = np.random.randn(10, 10)
    dout = np.random.randn(*x.shape)
    dx_num = L["eval_numerical_gradient_array"](lambda x: L["relu_forward"](x)[0], x, dout)
    _, cache = L["relu_forward"](x)
    dx = L["relu_backward"](dout, cache)
    out += [dx, dx_num]
    # svm and softmax losses, with eval_numerical_gradient
    num_classes, num_inputs = 10, 50
    x = 0.001 * np.random.randn(num_inputs, num_classes)
    y = np.random.randint(num_classes, size=num_inputs)
    dx_num = L["eval_numerical_gradient"](lambda x: L["svm_loss"](x, y)[0], x, verbose=False)
    loss, dx = L["svm_loss"](x, y)
    print("Testing svm_loss:")
    print("loss: ", loss)
    print("dx error: ", L["rel_error"](dx_num, dx) < 1e-8)
    out += [loss, dx, dx_num]
    dx_num = L["eval_numerical_gradient"](lambda x: L["softmax_loss"](x, y)[0], x, verbose=False)
    loss, dx = L["softmax_loss"](x, y)
    print("Testing softmax_loss:")
    print("loss: ", loss)
    out += [loss, dx, dx_num]
    # batchnorm, train and test
    N, D1, D2, D3 = 200, 50, 60, 3
    X = np.random.randn(N, D1)
    W1 = np.random.randn(D1, D2)
    W2 = np.random.randn(D2, D3)
    a = np.maximum(0, X.dot(W1)).dot(W2)
    print("Before batch normalization:")
    print("  means: ", a.mean(axis=0))
    print("  stds: ", a.std(axis=0))
    a_norm, _ = L["batchnorm_forward"](a, np.ones(D3), np.zeros(D3), {"mode": "train"})
    print("After batch normalization (gamma=1, beta=0)")
    print("  mean: ", a_norm.mean(axis=0))
    print("  std: ", a_norm.std(axis=0))
    gamma = np.asarray([1.0, 2.0, 3.0])
    beta = np.asarray([11.0, 12.0, 13.0])
    a_norm, _ = L["batchnorm_forward"](a, gamma, beta, {"mode": "train"})
    out += [a, a_norm]
    bn_param = {"mode": "train"}
    gamma = np.ones(D3)
    beta = np.zeros(D3)
    for _t in range(20):
        X = np.random.randn(N, D1)
        a = np.maximum(0, X.dot(W1)).dot(W2)
        L["batchnorm_forward"](a, gamma, beta, bn_param)
    bn_param["mode"] = "test"
    X = np.random.randn(N, D1)
    a = np.maximum(0, X.dot(W1)).dot(W2)
    a_norm, _ = L["batchnorm_forward"](a, gamma, beta, bn_param)
    out += [a_norm, bn_param["running_mean"], bn_param["running_var"]]
    N, D = 4, 5
    x = 5 * np.random.randn(N, D) + 12
    gamma = np.random.randn(D)
    beta = np.random.randn(D)
    dout = np.random.randn(N, D)
    bn_param = {"mode": "train"}
    fx = lambda x: L["batchnorm_forward"](x, gamma, beta, bn_param)[0]  # noqa: E731
    fg = lambda a: L["batchnorm_forward"](x, a, beta, bn_param)[0]  # noqa: E731
    fb = lambda b: L["batchnorm_forward"](x, gamma, b, bn_param)[0]  # noqa: E731
    dx_num = L["eval_numerical_gradient_array"](fx, x, dout)
    da_num = L["eval_numerical_gradient_array"](fg, gamma.copy(), dout)
    db_num = L["eval_numerical_gradient_array"](fb, beta.copy(), dout)
    _, cache = L["batchnorm_forward"](x, gamma, beta, bn_param)
    dx, dgamma, dbeta = L["batchnorm_backward"](dout, cache)
    out += [dx, dgamma, dbeta, dx_num, da_num, db_num]
    # dropout
    x = np.random.randn(500, 500) + 10
    for p in [0.3, 0.6, 0.75]:
        out_train, _ = L["dropout_forward"](x, {"mode": "train", "p": p})
        out_test, _ = L["dropout_forward"](x, {"mode": "test", "p": p})
        print("Running tests with p = ", p)
        print("Mean of input: ", x.mean())
        print("Mean of train-time output: ", out_train.mean())
        print("Mean of test-time output: ", out_test.mean())
        print("Fraction of train-time output set to zero: ", (out_train == 0).mean())
        print("Fraction of test-time output set to zero: ", (out_test == 0).mean())
        out.append(out_train[:3, :5])
    x = np.random.randn(10, 10) + 10
    dout = np.random.randn(*x.shape)
    dropout_param = {"mode": "train", "p": 0.8, "seed": 123}
    o, cache = L["dropout_forward"](x, dropout_param)
    dx = L["dropout_backward"](dout, cache)
    dx_num = L["eval_numerical_gradient_array"](
        lambda xx: L["dropout_forward"](xx, dropout_param)[0], x, dout
    )
    out += [dx, dx_num]
    # conv_forward_naive check from the assignment
    x_shape = (2, 3, 4, 4)
    w_shape = (3, 3, 4, 4)
    x = np.linspace(-0.1, 0.5, num=np.prod(x_shape)).reshape(x_shape)
    w = np.linspace(-0.2, 0.3, num=np.prod(w_shape)).reshape(w_shape)
    b = np.linspace(-0.1, 0.2, num=3)
    conv_param = {"stride": 2, "pad": 1}
    o, _ = L["conv_forward_naive"](x, w, b, conv_param)
    out.append(o)
    x = np.random.randn(2, 3, 5, 5)
    w = np.random.randn(2, 3, 3, 3)
    b = np.random.randn(2)
    dout = np.random.randn(2, 2, 5, 5)
    conv_param = {"stride": 1, "pad": 1}
    cf = L["conv_forward_naive"]
    dx_num = L["eval_numerical_gradient_array"](lambda x: cf(x, w, b, conv_param)[0], x, dout)
    dw_num = L["eval_numerical_gradient_array"](lambda w: cf(x, w, b, conv_param)[0], w, dout)
    db_num = L["eval_numerical_gradient_array"](lambda b: cf(x, w, b, conv_param)[0], b, dout)
    _, cache = cf(x, w, b, conv_param)
    dx, dw, db = L["conv_backward_naive"](dout, cache)
    print("Testing conv_backward_naive function")
    print("dx error: ", L["rel_error"](dx, dx_num) < 1e-7)
    out += [dx, dw, db, dx_num, dw_num, db_num]
    # max pool
    x_shape = (2, 3, 4, 4)
    x = np.linspace(-0.3, 0.4, num=np.prod(x_shape)).reshape(x_shape)
    pool_param = {"pool_width": 2, "pool_height": 2, "stride": 2}
    o, _ = L["max_pool_forward_naive"](x, pool_param)
    out.append(o)
    x = np.random.randn(3, 2, 8, 8)
    dout = np.random.randn(3, 2, 4, 4)
    dx_num = L["eval_numerical_gradient_array"](
        lambda x: L["max_pool_forward_naive"](x, pool_param)[0], x, dout
    )
    _, cache = L["max_pool_forward_naive"](x, pool_param)
    dx = L["max_pool_backward_naive"](dout, cache)
    out += [dx, dx_num]
    return out


def _cs231n_im2col_lib(np):
    # im2col.py (assignment 2)
    def get_im2col_indices(x_shape, field_height, field_width, padding=1, stride=1):
        N, C, H, W = x_shape
        assert (H + 2 * padding - field_height) % stride == 0
        assert (W + 2 * padding - field_height) % stride == 0
        out_height = int((H + 2 * padding - field_height) / stride + 1)
        out_width = int((W + 2 * padding - field_width) / stride + 1)
        i0 = np.repeat(np.arange(field_height), field_width)
        i0 = np.tile(i0, C)
        i1 = stride * np.repeat(np.arange(out_height), out_width)
        j0 = np.tile(np.arange(field_width), field_height * C)
        j1 = stride * np.tile(np.arange(out_width), out_height)
        i = i0.reshape(-1, 1) + i1.reshape(1, -1)
        j = j0.reshape(-1, 1) + j1.reshape(1, -1)
        k = np.repeat(np.arange(C), field_height * field_width).reshape(-1, 1)
        return (k.astype(int), i.astype(int), j.astype(int))

    def im2col_indices(x, field_height, field_width, padding=1, stride=1):
        p = padding
        x_padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="constant")
        k, i, j = get_im2col_indices(x.shape, field_height, field_width, padding, stride)
        cols = x_padded[:, k, i, j]
        C = x.shape[1]
        cols = cols.transpose(1, 2, 0).reshape(field_height * field_width * C, -1)
        return cols

    def col2im_indices(cols, x_shape, field_height=3, field_width=3, padding=1, stride=1):
        N, C, H, W = x_shape
        H_padded, W_padded = H + 2 * padding, W + 2 * padding
        x_padded = np.zeros((N, C, H_padded, W_padded), dtype=cols.dtype)
        k, i, j = get_im2col_indices(x_shape, field_height, field_width, padding, stride)
        cols_reshaped = cols.reshape(C * field_height * field_width, -1, N)
        cols_reshaped = cols_reshaped.transpose(2, 0, 1)
        np.add.at(x_padded, (slice(None), k, i, j), cols_reshaped)
        if padding == 0:
            return x_padded
        return x_padded[:, :, padding:-padding, padding:-padding]

    # fast_layers.py conv_forward_im2col / conv_backward_im2col
    def conv_forward_im2col(x, w, b, conv_param):
        N, C, H, W = x.shape
        num_filters, _, filter_height, filter_width = w.shape
        stride, pad = conv_param["stride"], conv_param["pad"]
        assert (W + 2 * pad - filter_width) % stride == 0, "width does not work"
        assert (H + 2 * pad - filter_height) % stride == 0, "height does not work"
        out_height = (H + 2 * pad - filter_height) // stride + 1
        out_width = (W + 2 * pad - filter_width) // stride + 1
        x_cols = im2col_indices(x, w.shape[2], w.shape[3], pad, stride)
        res = w.reshape((w.shape[0], -1)).dot(x_cols) + b.reshape(-1, 1)
        out = res.reshape(w.shape[0], out_height, out_width, x.shape[0])
        out = out.transpose(3, 0, 1, 2)
        return out, (x, w, b, conv_param, x_cols)

    def conv_backward_im2col(dout, cache):
        x, w, b, conv_param, x_cols = cache
        stride, pad = conv_param["stride"], conv_param["pad"]
        db = np.sum(dout, axis=(0, 2, 3))
        num_filters, _, filter_height, filter_width = w.shape
        dout_reshaped = dout.transpose(1, 2, 3, 0).reshape(num_filters, -1)
        dw = dout_reshaped.dot(x_cols.T).reshape(w.shape)
        dx_cols = w.reshape(num_filters, -1).T.dot(dout_reshaped)
        dx = col2im_indices(dx_cols, x.shape, filter_height, filter_width, pad, stride)
        return dx, dw, db

    return dict(locals())


def cs231n_im2col(np):
    L = _cs231n_lib(np)
    F = _cs231n_im2col_lib(np)
    np.random.seed(231)
    x = np.random.randn(3, 3, 6, 6)
    w = np.random.randn(4, 3, 3, 3)
    b = np.random.randn(4)
    dout = np.random.randn(3, 4, 6, 6)
    conv_param = {"stride": 1, "pad": 1}
    out_naive, cache_naive = L["conv_forward_naive"](x, w, b, conv_param)
    out_fast, cache_fast = F["conv_forward_im2col"](x, w, b, conv_param)
    dx_naive, dw_naive, db_naive = L["conv_backward_naive"](dout, cache_naive)
    dx_fast, dw_fast, db_fast = F["conv_backward_im2col"](dout, cache_fast)
    print("Difference: ", L["rel_error"](out_naive, out_fast) < 1e-9)
    k, i, j = F["get_im2col_indices"](x.shape, 3, 3, 0, 3)
    cols = F["im2col_indices"](x, 3, 3, padding=0, stride=1)
    back = F["col2im_indices"](cols, x.shape, 3, 3, padding=0, stride=1)
    return [out_fast, dx_fast, dw_fast, db_fast, dx_naive, k, i, j, cols, back]


# cs231n assignment 2 fast_layers.py (conv_forward_strides with as_strided, the reshape max
# pool) and assignment 3 rnn_layers.py (sigmoid, rnn/lstm steps, word embedding with
# np.add.at, temporal affine and softmax loss)
def cs231n_fast_layers(np):
    L = _cs231n_lib(np)

    def conv_forward_strides(x, w, b, conv_param):
        N, C, H, W = x.shape
        F, _, HH, WW = w.shape
        stride, pad = conv_param["stride"], conv_param["pad"]
        p = pad
        x_padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="constant")
        H += 2 * pad
        W += 2 * pad
        out_h = (H - HH) // stride + 1
        out_w = (W - WW) // stride + 1
        shape = (C, HH, WW, N, out_h, out_w)
        strides = (H * W, W, 1, C * H * W, stride * W, stride)
        strides = x.itemsize * np.array(strides)
        x_stride = np.lib.stride_tricks.as_strided(x_padded, shape=shape, strides=strides)
        x_cols = np.ascontiguousarray(x_stride)
        x_cols.shape = (C * HH * WW, N * out_h * out_w)
        res = w.reshape(F, -1).dot(x_cols) + b.reshape(-1, 1)
        res.shape = (F, N, out_h, out_w)
        out = res.transpose(1, 0, 2, 3)
        out = np.ascontiguousarray(out)
        return out, (x, w, b, conv_param, x_cols)

    def max_pool_forward_reshape(x, pool_param):
        N, C, H, W = x.shape
        pool_height, pool_width = pool_param["pool_height"], pool_param["pool_width"]
        stride = pool_param["stride"]
        assert pool_height == pool_width == stride, "Invalid pool params"
        assert H % pool_height == 0
        assert W % pool_height == 0
        x_reshaped = x.reshape(N, C, H // pool_height, pool_height, W // pool_width, pool_width)
        out = x_reshaped.max(axis=3).max(axis=4)
        return out, (x, x_reshaped, out)

    def max_pool_backward_reshape(dout, cache):
        x, x_reshaped, out = cache
        dx_reshaped = np.zeros_like(x_reshaped)
        out_newaxis = out[:, :, :, np.newaxis, :, np.newaxis]
        mask = x_reshaped == out_newaxis
        dout_newaxis = dout[:, :, :, np.newaxis, :, np.newaxis]
        dout_broadcast, _ = np.broadcast_arrays(dout_newaxis, dx_reshaped)
        dx_reshaped[mask] = dout_broadcast[mask]
        dx_reshaped /= np.sum(mask, axis=(3, 5), keepdims=True)
        dx = dx_reshaped.reshape(x.shape)
        return dx

    def sigmoid(x):
        pos_mask = x >= 0
        neg_mask = x < 0
        z = np.zeros_like(x)
        z[pos_mask] = np.exp(-x[pos_mask])
        z[neg_mask] = np.exp(x[neg_mask])
        top = np.ones_like(x)
        top[neg_mask] = z[neg_mask]
        return top / (1 + z)

    def rnn_step_forward(x, prev_h, Wx, Wh, b):
        next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)
        return next_h, (x, prev_h, Wx, Wh, next_h)

    def rnn_step_backward(dnext_h, cache):
        x, prev_h, Wx, Wh, next_h = cache
        dtanh = dnext_h * (1 - next_h**2)
        dx = dtanh.dot(Wx.T)
        dprev_h = dtanh.dot(Wh.T)
        dWx = x.T.dot(dtanh)
        dWh = prev_h.T.dot(dtanh)
        db = np.sum(dtanh, axis=0)
        return dx, dprev_h, dWx, dWh, db

    def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
        H = prev_h.shape[1]
        a = x.dot(Wx) + prev_h.dot(Wh) + b
        i = sigmoid(a[:, :H])
        f = sigmoid(a[:, H : 2 * H])
        o = sigmoid(a[:, 2 * H : 3 * H])
        g = np.tanh(a[:, 3 * H :])
        next_c = f * prev_c + i * g
        next_h = o * np.tanh(next_c)
        return next_h, next_c

    def word_embedding_forward(x, W):
        return W[x, :], (x, W)

    def word_embedding_backward(dout, cache):
        x, W = cache
        dW = np.zeros_like(W)
        np.add.at(dW, x, dout)
        return dW

    def temporal_affine_forward(x, w, b):
        N, T, D = x.shape
        M = b.shape[0]
        out = x.reshape(N * T, D).dot(w).reshape(N, T, M) + b
        return out

    def temporal_softmax_loss(x, y, mask, verbose=False):
        N, T, V = x.shape
        x_flat = x.reshape(N * T, V)
        y_flat = y.reshape(N * T)
        mask_flat = mask.reshape(N * T)
        probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
        probs /= np.sum(probs, axis=1, keepdims=True)
        loss = -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
        dx_flat = probs.copy()
        dx_flat[np.arange(N * T), y_flat] -= 1
        dx_flat /= N
        dx_flat *= mask_flat[:, None]
        if verbose:
            print("dx_flat: ", dx_flat.shape)
        dx = dx_flat.reshape(N, T, V)
        return loss, dx

    out = []
    np.random.seed(231)
    x = np.random.randn(2, 3, 8, 8)
    w = np.random.randn(4, 3, 3, 3)
    b = np.random.randn(4)
    conv_param = {"stride": 1, "pad": 1}
    out_fast, cache = conv_forward_strides(x, w, b, conv_param)
    out_naive, _ = L["conv_forward_naive"](x, w, b, conv_param)
    print("Difference: ", L["rel_error"](out_naive, out_fast) < 1e-9)
    out += [out_fast, cache[4]]
    out_s2, _ = conv_forward_strides(x, w, b, {"stride": 2, "pad": 1})
    out.append(out_s2)
    pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
    xp = np.random.randn(2, 3, 8, 8)
    xp[0, 0, 0, 0] = xp[0, 0, 0, 1]  # a tie in one window
    pout, pcache = max_pool_forward_reshape(xp, pool_param)
    dout = np.random.randn(*pout.shape)
    dx = max_pool_backward_reshape(dout, pcache)
    dx_naive = L["max_pool_backward_naive"](dout, L["max_pool_forward_naive"](xp, pool_param)[1])
    out += [pout, dx, dx_naive]
    z = np.linspace(-40, 40, 17)
    out.append(sigmoid(z))
    N, D, H = 3, 10, 4
    x = np.linspace(-0.4, 0.7, num=N * D).reshape(N, D)
    prev_h = np.linspace(-0.2, 0.5, num=N * H).reshape(N, H)
    Wx = np.linspace(-0.1, 0.9, num=D * H).reshape(D, H)
    Wh = np.linspace(-0.3, 0.7, num=H * H).reshape(H, H)
    b = np.linspace(-0.2, 0.4, num=H)
    next_h, cache = rnn_step_forward(x, prev_h, Wx, Wh, b)
    dnext_h = np.random.randn(*next_h.shape)
    out += [next_h, rnn_step_backward(dnext_h, cache)]
    Wx4 = np.linspace(-2.1, 1.3, num=4 * D * H).reshape(D, 4 * H)
    Wh4 = np.linspace(-0.7, 2.2, num=4 * H * H).reshape(H, 4 * H)
    b4 = np.linspace(0.3, 0.7, num=4 * H)
    prev_c = np.linspace(-0.4, 0.9, num=N * H).reshape(N, H)
    out.append(lstm_step_forward(x, prev_h, prev_c, Wx4, Wh4, b4))
    V, Dw = 5, 3
    xw = np.asarray([[0, 3, 1, 2], [2, 1, 0, 3]])
    W = np.linspace(0, 1, num=V * Dw).reshape(V, Dw)
    emb, cache = word_embedding_forward(xw, W)
    dW = word_embedding_backward(np.random.randn(2, 4, Dw), cache)
    out += [emb, dW]
    xt = np.random.randn(2, 4, 3)
    out.append(temporal_affine_forward(xt, np.random.randn(3, 5), np.random.randn(5)))
    N, T, V = 10, 6, 7
    x = 0.001 * np.random.randn(N, T, V)
    y = np.random.randint(V, size=(N, T))
    mask = np.random.rand(N, T) > 0.5
    loss, dx = temporal_softmax_loss(x, y, mask, verbose=True)
    print(loss)
    out += [loss, dx]
    return out


# cs231n optim.py (sgd_momentum, rmsprop, adam) with the assignment's checks
def cs231n_optim(np):
    def sgd_momentum(w, dw, config=None):
        if config is None:
            config = {}
        config.setdefault("learning_rate", 1e-2)
        config.setdefault("momentum", 0.9)
        v = config.get("velocity", np.zeros_like(w))
        v = config["momentum"] * v - config["learning_rate"] * dw
        next_w = w + v
        config["velocity"] = v
        return next_w, config

    def rmsprop(x, dx, config=None):
        if config is None:
            config = {}
        config.setdefault("learning_rate", 1e-2)
        config.setdefault("decay_rate", 0.99)
        config.setdefault("epsilon", 1e-8)
        config.setdefault("cache", np.zeros_like(x))
        config["cache"] = config["decay_rate"] * config["cache"] + (1 - config["decay_rate"]) * (
            dx**2
        )
        next_x = x - config["learning_rate"] * dx / (np.sqrt(config["cache"]) + config["epsilon"])
        return next_x, config

    def adam(x, dx, config=None):
        if config is None:
            config = {}
        config.setdefault("learning_rate", 1e-3)
        config.setdefault("beta1", 0.9)
        config.setdefault("beta2", 0.999)
        config.setdefault("epsilon", 1e-8)
        config.setdefault("m", np.zeros_like(x))
        config.setdefault("v", np.zeros_like(x))
        config.setdefault("t", 0)
        config["t"] += 1
        config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dx
        config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * (dx**2)
        mb = config["m"] / (1 - config["beta1"] ** config["t"])
        vb = config["v"] / (1 - config["beta2"] ** config["t"])
        next_x = x - config["learning_rate"] * mb / (np.sqrt(vb) + config["epsilon"])
        return next_x, config

    out = []
    N, D = 4, 5
    w = np.linspace(-0.4, 0.6, num=N * D).reshape(N, D)
    dw = np.linspace(-0.6, 0.4, num=N * D).reshape(N, D)
    v = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
    next_w, config = sgd_momentum(w, dw, {"learning_rate": 1e-3, "velocity": v})
    out += [next_w, config["velocity"]]
    cache = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
    next_w, config = rmsprop(w, dw, {"learning_rate": 1e-2, "cache": cache})
    out += [next_w, config["cache"]]
    m = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
    v = np.linspace(0.7, 0.5, num=N * D).reshape(N, D)
    config = {"learning_rate": 1e-2, "m": m, "v": v, "t": 5}
    next_w, config = adam(w, dw, config=config)
    out += [next_w, config["v"], config["m"], config["t"]]
    return out


# cs231n assignment 2: a two-layer net (affine-relu-affine-softmax) trained by a solver-style
# loop (random minibatches, adam), with the check accuracy step
def cs231n_solver(np):
    L = _cs231n_lib(np)
    np.random.seed(0)
    N, D, H, C = 60, 12, 16, 4
    X = np.random.randn(N, D)
    y = np.random.randint(C, size=N)
    params = {
        "W1": 1e-1 * np.random.randn(D, H),
        "b1": np.zeros(H),
        "W2": 1e-1 * np.random.randn(H, C),
        "b2": np.zeros(C),
    }
    reg = 0.01
    configs = {p: {} for p in params}

    def loss_fn(X, y=None):
        h, cache1 = L["affine_forward"](X, params["W1"], params["b1"])
        a, cache_r = L["relu_forward"](h)
        scores, cache2 = L["affine_forward"](a, params["W2"], params["b2"])
        if y is None:
            return scores
        loss, dscores = L["softmax_loss"](scores, y)
        loss += 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
        grads = {}
        da, grads["W2"], grads["b2"] = L["affine_backward"](dscores, cache2)
        dh = L["relu_backward"](da, cache_r)
        _, grads["W1"], grads["b1"] = L["affine_backward"](dh, cache1)
        grads["W1"] += reg * params["W1"]
        grads["W2"] += reg * params["W2"]
        grads["b1"] = grads["b1"].reshape(-1)
        grads["b2"] = grads["b2"].reshape(-1)
        return loss, grads

    def adam(x, dx, config):
        config.setdefault("learning_rate", 1e-2)
        config.setdefault("m", np.zeros_like(x))
        config.setdefault("v", np.zeros_like(x))
        config.setdefault("t", 0)
        config["t"] += 1
        config["m"] = 0.9 * config["m"] + (1 - 0.9) * dx
        config["v"] = 0.999 * config["v"] + (1 - 0.999) * (dx**2)
        mb = config["m"] / (1 - 0.9 ** config["t"])
        vb = config["v"] / (1 - 0.999 ** config["t"])
        return x - config["learning_rate"] * mb / (np.sqrt(vb) + 1e-8), config

    loss_history, acc_history = [], []
    batch_size = 10
    for t in range(30):
        batch_mask = np.random.choice(N, batch_size)
        loss, grads = loss_fn(X[batch_mask], y[batch_mask])
        loss_history.append(loss)
        for p, w in params.items():
            next_w, next_config = adam(w, grads[p], configs[p])
            params[p] = next_w
            configs[p] = next_config
        if t % 10 == 0:
            y_pred = np.argmax(loss_fn(X), axis=1)
            acc = np.mean(y_pred == y)
            acc_history.append(acc)
            print("(Iteration %d / %d) loss: %f" % (t + 1, 30, loss_history[-1]))
            print("(Epoch %d / %d) train acc: %f" % (t // 10, 3, acc))
    return [loss_history, acc_history, params["W1"], params["b2"]]


# cs231n assignment 1: classifiers/k_nearest_neighbor.py (two, one and no loops)
def cs231n_knn(np):
    np.random.seed(1)
    X_train = np.random.randint(0, 256, size=(40, 12)).astype(float)
    y_train = np.random.randint(0, 4, size=40)
    X_test = np.random.randint(0, 256, size=(9, 12)).astype(float)

    def compute_distances_two_loops(X):
        num_test = X.shape[0]
        num_train = X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                dists[i, j] = np.sqrt(np.sum(np.square(X_train[j, :] - X[i, :])))
        return dists

    def compute_distances_one_loop(X):
        num_test = X.shape[0]
        num_train = X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            dists[i, :] = np.sqrt(np.sum(np.square(X_train - X[i, :]), axis=1))
        return dists

    def compute_distances_no_loops(X):
        dists = np.sqrt(
            -2 * np.dot(X, X_train.T)
            + np.sum(np.square(X_train), axis=1)
            + np.transpose([np.sum(np.square(X), axis=1)])
        )
        return dists

    def predict_labels(dists, k=1):
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in range(num_test):
            closest_y = []
            closest_y = y_train[np.argsort(dists[i])[:k]]
            y_pred[i] = np.argmax(np.bincount(closest_y))
        return y_pred

    dists = compute_distances_two_loops(X_test)
    print(dists.shape)
    dists_one = compute_distances_one_loop(X_test)
    difference = np.linalg.norm(dists - dists_one, ord="fro")
    print("One loop difference was: %f" % (difference,))
    dists_two = compute_distances_no_loops(X_test)
    difference2 = np.linalg.norm(dists - dists_two, ord="fro")
    print("No loop difference small: %s" % (difference2 < 1e-6,))
    y_test_pred = predict_labels(dists, k=1)
    y5 = predict_labels(dists, k=5)
    num_correct = np.sum(y_test_pred == y_train[:9])
    accuracy = float(num_correct) / 9
    print("Got %d / %d correct => accuracy: %f" % (num_correct, 9, accuracy))
    # cross-validation folds as in knn.ipynb
    num_folds = 4
    X_train_folds = np.array_split(X_train, num_folds)
    y_train_folds = np.array_split(y_train, num_folds)
    accs = []
    for k in [1, 3, 5]:
        for i in range(num_folds):
            Xtr = np.vstack(X_train_folds[:i] + X_train_folds[i + 1 :])
            ytr = np.hstack(y_train_folds[:i] + y_train_folds[i + 1 :])
            Xv = X_train_folds[i]
            d = np.sqrt(
                -2 * np.dot(Xv, Xtr.T)
                + np.sum(np.square(Xtr), axis=1)
                + np.transpose([np.sum(np.square(Xv), axis=1)])
            )
            pred = np.array([np.argmax(np.bincount(ytr[np.argsort(r)[:k]])) for r in d])
            accs.append(np.mean(pred == y_train_folds[i]))
    print(np.array(accs).reshape(3, num_folds).mean(axis=1))
    return [dists, dists_one, y_test_pred, y5, num_correct, accs]


PROGRAMS = [
    "karpathy_min_char_rnn",
    "cs231n_layers",
    "cs231n_im2col",
    "cs231n_fast_layers",
    "cs231n_optim",
    "cs231n_solver",
    "cs231n_knn",
]
