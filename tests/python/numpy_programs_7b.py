"""Machine-learning-from-scratch programs people run with NumPy: eriklindernoren/ML-From-Scratch
(utils, supervised and unsupervised learning). Each is a function of the module it runs with
(numpy or arrax.numpy; no plotting, no dataset downloads, small sizes), for
test_numpy_programs_like_numpy_7.py; each names its source. Random inputs come from NumPy's
legacy generator (np.random.seed), which arrax.numpy.random reproduces draw for draw."""

import math
from itertools import combinations_with_replacement

# --- eriklindernoren/ML-From-Scratch: mlfromscratch/utils (data_operation.py,
# data_manipulation.py), deep_learning (activation_functions.py, loss_functions.py,
# layers.py image_to_column/column_to_image), supervised_learning (regression.py,
# logistic_regression.py, naive_bayes.py, k_nearest_neighbors.py, perceptron.py),
# unsupervised_learning (k_means.py, principal_component_analysis.py,
# gaussian_mixture_model.py)


def _mlfs_utils(np):
    def calculate_entropy(y):
        log2 = lambda x: math.log(x) / math.log(2)  # noqa: E731
        unique_labels = np.unique(y)
        entropy = 0
        for label in unique_labels:
            count = len(y[y == label])
            p = count / len(y)
            entropy += -p * log2(p)
        return entropy

    def mean_squared_error(y_true, y_pred):
        return np.mean(np.power(y_true - y_pred, 2))

    def calculate_variance(X):
        mean = np.ones(np.shape(X)) * X.mean(0)
        n_samples = np.shape(X)[0]
        return (1 / n_samples) * np.diag((X - mean).T.dot(X - mean))

    def calculate_std_dev(X):
        return np.sqrt(calculate_variance(X))

    def euclidean_distance(x1, x2):
        distance = 0
        for i in range(len(x1)):
            distance += pow((x1[i] - x2[i]), 2)
        return math.sqrt(distance)

    def accuracy_score(y_true, y_pred):
        return np.sum(y_true == y_pred, axis=0) / len(y_true)

    def calculate_covariance_matrix(X, Y=None):
        if Y is None:
            Y = X
        n_samples = np.shape(X)[0]
        covariance_matrix = (1 / (n_samples - 1)) * (X - X.mean(axis=0)).T.dot(Y - Y.mean(axis=0))
        return np.array(covariance_matrix, dtype=float)

    def calculate_correlation_matrix(X, Y=None):
        if Y is None:
            Y = X
        n_samples = np.shape(X)[0]
        covariance = (1 / n_samples) * (X - X.mean(0)).T.dot(Y - Y.mean(0))
        std_dev_X = np.expand_dims(calculate_std_dev(X), 1)
        std_dev_y = np.expand_dims(calculate_std_dev(Y), 1)
        correlation_matrix = np.divide(covariance, std_dev_X.dot(std_dev_y.T))
        return np.array(correlation_matrix, dtype=float)

    def shuffle_data(X, y, seed=None):
        if seed:
            np.random.seed(seed)
        idx = np.arange(X.shape[0])
        np.random.shuffle(idx)
        return X[idx], y[idx]

    def batch_iterator(X, y=None, batch_size=64):
        n_samples = X.shape[0]
        for i in np.arange(0, n_samples, batch_size):
            begin, end = i, min(i + batch_size, n_samples)
            if y is not None:
                yield X[begin:end], y[begin:end]
            else:
                yield X[begin:end]

    def polynomial_features(X, degree):
        n_samples, n_features = np.shape(X)

        def index_combinations():
            combs = [
                combinations_with_replacement(range(n_features), i) for i in range(0, degree + 1)
            ]
            flat_combs = [item for sublist in combs for item in sublist]
            return flat_combs

        combinations = index_combinations()
        n_output_features = len(combinations)
        X_new = np.empty((n_samples, n_output_features))
        for i, index_combs in enumerate(combinations):
            X_new[:, i] = np.prod(X[:, index_combs], axis=1)
        return X_new

    def get_random_subsets(X, y, n_subsets, replacements=True):
        n_samples = np.shape(X)[0]
        X_y = np.concatenate((X, y.reshape((1, len(y))).T), axis=1)
        np.random.shuffle(X_y)
        subsets = []
        subsample_size = int(n_samples // 2)
        if replacements:
            subsample_size = n_samples
        for _ in range(n_subsets):
            idx = np.random.choice(
                range(n_samples), size=np.shape(range(subsample_size)), replace=replacements
            )
            X = X_y[idx][:, :-1]
            y = X_y[idx][:, -1]
            subsets.append([X, y])
        return subsets

    def normalize(X, axis=-1, order=2):
        l2 = np.atleast_1d(np.linalg.norm(X, order, axis))
        l2[l2 == 0] = 1
        return X / np.expand_dims(l2, axis)

    def standardize(X):
        X_std = X
        mean = X.mean(axis=0)
        std = X.std(axis=0)
        for col in range(np.shape(X)[1]):
            if std[col]:
                X_std[:, col] = (X_std[:, col] - mean[col]) / std[col]
        return X_std

    def train_test_split(X, y, test_size=0.5, shuffle=True, seed=None):
        if shuffle:
            X, y = shuffle_data(X, y, seed)
        split_i = len(y) - int(len(y) // (1 / test_size))
        X_train, X_test = X[:split_i], X[split_i:]
        y_train, y_test = y[:split_i], y[split_i:]
        return X_train, X_test, y_train, y_test

    def k_fold_cross_validation_sets(X, y, k, shuffle=True):
        if shuffle:
            X, y = shuffle_data(X, y)
        n_samples = len(y)
        left_overs = {}
        n_left_overs = n_samples % k
        if n_left_overs != 0:
            left_overs["X"] = X[-n_left_overs:]
            left_overs["y"] = y[-n_left_overs:]
            X = X[:-n_left_overs]
            y = y[:-n_left_overs]
        X_split = np.split(X, k)
        y_split = np.split(y, k)
        sets = []
        for i in range(k):
            X_test, y_test = X_split[i], y_split[i]
            X_train = np.concatenate(X_split[:i] + X_split[i + 1 :], axis=0)
            y_train = np.concatenate(y_split[:i] + y_split[i + 1 :], axis=0)
            sets.append([X_train, X_test, y_train, y_test])
        if n_left_overs != 0:
            np.append(sets[-1][0], left_overs["X"], axis=0)
            np.append(sets[-1][2], left_overs["y"], axis=0)
        return sets  # np.array(sets) in the source: a ragged object array

    def to_categorical(x, n_col=None):
        if not n_col:
            n_col = np.amax(x) + 1
        one_hot = np.zeros((x.shape[0], n_col))
        one_hot[np.arange(x.shape[0]), x] = 1
        return one_hot

    def to_nominal(x):
        return np.argmax(x, axis=1)

    def make_diagonal(x):
        m = np.zeros((len(x), len(x)))
        for i in range(len(m[0])):
            m[i, i] = x[i]
        return m

    # deep_learning/activation_functions.py
    class Sigmoid:
        def __call__(self, x):
            return 1 / (1 + np.exp(-x))

        def gradient(self, x):
            return self.__call__(x) * (1 - self.__call__(x))

    class Softmax:
        def __call__(self, x):
            e_x = np.exp(x - np.max(x, axis=-1, keepdims=True))
            return e_x / np.sum(e_x, axis=-1, keepdims=True)

        def gradient(self, x):
            p = self.__call__(x)
            return p * (1 - p)

    class TanH:
        def __call__(self, x):
            return 2 / (1 + np.exp(-2 * x)) - 1

        def gradient(self, x):
            return 1 - np.power(self.__call__(x), 2)

    class ReLU:
        def __call__(self, x):
            return np.where(x >= 0, x, 0)

        def gradient(self, x):
            return np.where(x >= 0, 1, 0)

    class LeakyReLU:
        def __init__(self, alpha=0.2):
            self.alpha = alpha

        def __call__(self, x):
            return np.where(x >= 0, x, self.alpha * x)

        def gradient(self, x):
            return np.where(x >= 0, 1, self.alpha)

    class ELU:
        def __init__(self, alpha=0.1):
            self.alpha = alpha

        def __call__(self, x):
            return np.where(x >= 0.0, x, self.alpha * (np.exp(x) - 1))

        def gradient(self, x):
            return np.where(x >= 0.0, 1, self.__call__(x) + self.alpha)

    class SELU:
        def __init__(self):
            self.alpha = 1.6732632423543772848170429916717
            self.scale = 1.0507009873554804934193349852946

        def __call__(self, x):
            return self.scale * np.where(x >= 0.0, x, self.alpha * (np.exp(x) - 1))

        def gradient(self, x):
            return self.scale * np.where(x >= 0.0, 1, self.alpha * np.exp(x))

    class SoftPlus:
        def __call__(self, x):
            return np.log(1 + np.exp(x))

        def gradient(self, x):
            return 1 / (1 + np.exp(-x))

    # deep_learning/loss_functions.py
    class SquareLoss:
        def loss(self, y, y_pred):
            return 0.5 * np.power((y - y_pred), 2)

        def gradient(self, y, y_pred):
            return -(y - y_pred)

    class CrossEntropy:
        def loss(self, y, p):
            p = np.clip(p, 1e-15, 1 - 1e-15)
            return -y * np.log(p) - (1 - y) * np.log(1 - p)

        def acc(self, y, p):
            return accuracy_score(np.argmax(y, axis=1), np.argmax(p, axis=1))

        def gradient(self, y, p):
            p = np.clip(p, 1e-15, 1 - 1e-15)
            return -(y / p) + (1 - y) / (1 - p)

    # deep_learning/layers.py: im2col for Conv2D
    def determine_padding(filter_shape, output_shape="same"):
        if output_shape == "valid":
            return (0, 0), (0, 0)
        elif output_shape == "same":
            filter_height, filter_width = filter_shape
            pad_h1 = int(math.floor((filter_height - 1) / 2))
            pad_h2 = int(math.ceil((filter_height - 1) / 2))
            pad_w1 = int(math.floor((filter_width - 1) / 2))
            pad_w2 = int(math.ceil((filter_width - 1) / 2))
            return (pad_h1, pad_h2), (pad_w1, pad_w2)

    def get_im2col_indices(images_shape, filter_shape, padding, stride=1):
        batch_size, channels, height, width = images_shape
        filter_height, filter_width = filter_shape
        pad_h, pad_w = padding
        out_height = int((height + np.sum(pad_h) - filter_height) / stride + 1)
        out_width = int((width + np.sum(pad_w) - filter_width) / stride + 1)
        i0 = np.repeat(np.arange(filter_height), filter_width)
        i0 = np.tile(i0, channels)
        i1 = stride * np.repeat(np.arange(out_height), out_width)
        j0 = np.tile(np.arange(filter_width), filter_height * channels)
        j1 = stride * np.tile(np.arange(out_width), out_height)
        i = i0.reshape(-1, 1) + i1.reshape(1, -1)
        j = j0.reshape(-1, 1) + j1.reshape(1, -1)
        k = np.repeat(np.arange(channels), filter_height * filter_width).reshape(-1, 1)
        return (k, i, j)

    def image_to_column(images, filter_shape, stride, output_shape="same"):
        filter_height, filter_width = filter_shape
        pad_h, pad_w = determine_padding(filter_shape, output_shape)
        images_padded = np.pad(images, ((0, 0), (0, 0), pad_h, pad_w), mode="constant")
        k, i, j = get_im2col_indices(images.shape, filter_shape, (pad_h, pad_w), stride)
        cols = images_padded[:, k, i, j]
        channels = images.shape[1]
        cols = cols.transpose(1, 2, 0).reshape(filter_height * filter_width * channels, -1)
        return cols

    def column_to_image(cols, images_shape, filter_shape, stride, output_shape="same"):
        batch_size, channels, height, width = images_shape
        pad_h, pad_w = determine_padding(filter_shape, output_shape)
        height_padded = height + np.sum(pad_h)
        width_padded = width + np.sum(pad_w)
        images_padded = np.zeros((batch_size, channels, height_padded, width_padded))
        k, i, j = get_im2col_indices(images_shape, filter_shape, (pad_h, pad_w), stride)
        cols = cols.reshape(channels * np.prod(filter_shape), -1, batch_size)
        cols = cols.transpose(2, 0, 1)
        np.add.at(images_padded, (slice(None), k, i, j), cols)
        return images_padded[:, :, pad_h[0] : height + pad_h[0], pad_w[0] : width + pad_w[0]]

    return dict(locals())


def mlfs_utils(np):
    U = _mlfs_utils(np)
    out = []
    np.random.seed(42)
    X = np.random.randn(20, 3)
    y = np.random.randint(0, 3, size=20)
    out.append(U["calculate_entropy"](y))
    out.append(U["mean_squared_error"](X[:, 0], X[:, 1]))
    out.append(U["calculate_variance"](X))
    out.append(U["calculate_std_dev"](X))
    out.append(U["euclidean_distance"](X[0], X[1]))
    out.append(U["accuracy_score"](y, np.roll(y, 1)))
    out.append(U["calculate_covariance_matrix"](X))
    out.append(U["calculate_correlation_matrix"](X))
    Xs, ys = U["shuffle_data"](X, y, seed=3)
    out += [Xs, ys]
    out.append([b for b in U["batch_iterator"](X, y, batch_size=6)])
    out.append(U["polynomial_features"](X[:5], degree=2))
    subsets = U["get_random_subsets"](X, y.astype(float), 3)
    out.append(subsets)
    out.append(U["normalize"](X))
    out.append(U["normalize"](np.array([[0.0, 0.0], [3.0, 4.0]])))
    out.append(U["standardize"](X.copy()))
    out.append(U["train_test_split"](X, y, test_size=0.4, seed=5))
    out.append(U["k_fold_cross_validation_sets"](X[:19], y[:19], 3))
    oh = U["to_categorical"](y)
    out += [oh, U["to_nominal"](oh), U["make_diagonal"](X[:, 0])]
    z = np.linspace(-3, 3, 13)
    for name in ["Sigmoid", "Softmax", "TanH", "ReLU", "LeakyReLU", "ELU", "SELU", "SoftPlus"]:
        f = U[name]()
        print(name, f(z)[:3], f.gradient(z)[-3:])
        out += [f(z), f.gradient(z)]
    sm = U["Softmax"]()(X)
    ce = U["CrossEntropy"]()
    sq = U["SquareLoss"]()
    out += [ce.loss(oh, sm), ce.acc(oh, sm), ce.gradient(oh, sm)]
    out += [sq.loss(oh, sm), sq.gradient(oh, sm)]
    # Conv2D's im2col (same and valid padding, stride 1 and 2) and its adjoint
    imgs = np.random.randn(2, 3, 5, 5)
    cols = U["image_to_column"](imgs, (3, 3), stride=1, output_shape="same")
    back = U["column_to_image"](cols, imgs.shape, (3, 3), stride=1, output_shape="same")
    cols2 = U["image_to_column"](imgs, (2, 2), stride=1, output_shape="same")
    cols3 = U["image_to_column"](imgs, (3, 3), stride=2, output_shape="valid")
    back3 = U["column_to_image"](cols3, imgs.shape, (3, 3), stride=2, output_shape="valid")
    W = np.random.randn(4, 3, 3, 3)
    conv = W.reshape((4, -1)).dot(cols).reshape((4, 5, 5, 2)).transpose(3, 0, 1, 2)
    out += [cols, back, cols2, cols3, back3, conv]
    return out


def mlfs_supervised(np):
    U = _mlfs_utils(np)
    normalize = U["normalize"]
    polynomial_features = U["polynomial_features"]
    out = []

    class l1_regularization:
        def __init__(self, alpha):
            self.alpha = alpha

        def __call__(self, w):
            return self.alpha * np.linalg.norm(w)

        def grad(self, w):
            return self.alpha * np.sign(w)

    class l2_regularization:
        def __init__(self, alpha):
            self.alpha = alpha

        def __call__(self, w):
            return self.alpha * 0.5 * w.T.dot(w)

        def grad(self, w):
            return self.alpha * w

    class l1_l2_regularization:
        def __init__(self, alpha, l1_ratio=0.5):
            self.alpha = alpha
            self.l1_ratio = l1_ratio

        def __call__(self, w):
            l1_contr = self.l1_ratio * np.linalg.norm(w)
            l2_contr = (1 - self.l1_ratio) * 0.5 * w.T.dot(w)
            return self.alpha * (l1_contr + l2_contr)

        def grad(self, w):
            l1_contr = self.l1_ratio * np.sign(w)
            l2_contr = (1 - self.l1_ratio) * w
            return self.alpha * (l1_contr + l2_contr)

    class Regression:
        def __init__(self, n_iterations, learning_rate):
            self.n_iterations = n_iterations
            self.learning_rate = learning_rate

        def initialize_weights(self, n_features):
            limit = 1 / math.sqrt(n_features)
            self.w = np.random.uniform(-limit, limit, (n_features,))

        def fit(self, X, y):
            X = np.insert(X, 0, 1, axis=1)
            self.training_errors = []
            self.initialize_weights(n_features=X.shape[1])
            for _i in range(self.n_iterations):
                y_pred = X.dot(self.w)
                mse = np.mean(0.5 * (y - y_pred) ** 2 + self.regularization(self.w))
                self.training_errors.append(mse)
                grad_w = -(y - y_pred).dot(X) + self.regularization.grad(self.w)
                self.w -= self.learning_rate * grad_w

        def predict(self, X):
            X = np.insert(X, 0, 1, axis=1)
            return X.dot(self.w)

    class LinearRegression(Regression):
        def __init__(self, n_iterations=100, learning_rate=0.001, gradient_descent=True):
            self.gradient_descent = gradient_descent
            self.regularization = lambda x: 0
            self.regularization.grad = lambda x: 0
            super().__init__(n_iterations=n_iterations, learning_rate=learning_rate)

        def fit(self, X, y):
            if not self.gradient_descent:
                X = np.insert(X, 0, 1, axis=1)
                U_, S, V = np.linalg.svd(X.T.dot(X))
                S = np.diag(S)
                X_sq_reg_inv = V.T.dot(np.linalg.pinv(S)).dot(U_.T)
                self.w = X_sq_reg_inv.dot(X.T).dot(y)
            else:
                super().fit(X, y)

    class LassoRegression(Regression):
        def __init__(self, degree, reg_factor, n_iterations=3000, learning_rate=0.01):
            self.degree = degree
            self.regularization = l1_regularization(alpha=reg_factor)
            super().__init__(n_iterations, learning_rate)

        def fit(self, X, y):
            X = normalize(polynomial_features(X, degree=self.degree))
            super().fit(X, y)

        def predict(self, X):
            X = normalize(polynomial_features(X, degree=self.degree))
            return super().predict(X)

    class RidgeRegression(Regression):
        def __init__(self, reg_factor, n_iterations=1000, learning_rate=0.001):
            self.regularization = l2_regularization(alpha=reg_factor)
            super().__init__(n_iterations, learning_rate)

    class ElasticNet(LassoRegression):
        def __init__(self, degree=1, reg_factor=0.05, l1_ratio=0.5, n_iterations=3000, lr=0.01):
            self.degree = degree
            self.regularization = l1_l2_regularization(alpha=reg_factor, l1_ratio=l1_ratio)
            Regression.__init__(self, n_iterations, lr)

    np.random.seed(7)
    X = np.random.randn(40, 1) * 2
    y = 3 * X[:, 0] + 0.5 * X[:, 0] ** 2 - 1 + np.random.randn(40) * 0.3
    for model in [
        LinearRegression(n_iterations=60),
        LinearRegression(gradient_descent=False),
        RidgeRegression(reg_factor=0.1, n_iterations=60),
        LassoRegression(degree=3, reg_factor=0.05, n_iterations=80),
        ElasticNet(degree=2, reg_factor=0.05, n_iterations=80),
    ]:
        model.fit(X, y)
        y_pred = model.predict(X)
        mse = U["mean_squared_error"](y, y_pred)
        print("%s Mean squared error: %s" % (type(model).__name__, mse))
        out += [model.w, mse, getattr(model, "training_errors", [])[-3:]]

    # logistic_regression.py
    class LogisticRegression:
        def __init__(self, learning_rate=0.1, gradient_descent=True):
            self.param = None
            self.learning_rate = learning_rate
            self.gradient_descent = gradient_descent
            self.sigmoid = U["Sigmoid"]()

        def fit(self, X, y, n_iterations=4000):
            X = np.insert(X, 0, 1, axis=1)
            n_samples, n_features = np.shape(X)
            limit = 1 / math.sqrt(n_features)
            self.param = np.random.uniform(-limit, limit, (n_features,))
            for _i in range(n_iterations):
                y_pred = self.sigmoid(X.dot(self.param))
                if self.gradient_descent:
                    self.param -= self.learning_rate * -(y - y_pred).dot(X)
                else:
                    diag_gradient = U["make_diagonal"](self.sigmoid.gradient(X.dot(self.param)))
                    self.param = (
                        np.linalg.pinv(X.T.dot(diag_gradient).dot(X))
                        .dot(X.T)
                        .dot(diag_gradient.dot(X).dot(self.param) + y - y_pred)
                    )

        def predict(self, X):
            X = np.insert(X, 0, 1, axis=1)
            dot = X.dot(self.param)
            return np.round(self.sigmoid(dot)).astype(int)

    Xc = np.random.randn(30, 2)
    yc = (Xc[:, 0] + 0.5 * Xc[:, 1] + 0.3 * np.random.randn(30) > 0).astype(float)
    for gd in [True, False]:
        clf = LogisticRegression(gradient_descent=gd)
        clf.fit(Xc, yc, n_iterations=40 if gd else 4)
        y_pred = clf.predict(Xc)
        print("Accuracy:", U["accuracy_score"](yc, y_pred))
        out += [clf.param, y_pred]

    # naive_bayes.py
    class NaiveBayes:
        def fit(self, X, y):
            self.X, self.y = X, y
            self.classes = np.unique(y)
            self.parameters = []
            for i, c in enumerate(self.classes):
                x_where_c = X[np.where(y == c)]
                self.parameters.append([])
                for j in range(len(x_where_c[0, :])):
                    col = x_where_c[:, j]
                    self.parameters[i].append({"mean": col.mean(), "var": col.var()})

        def _calculate_likelihood(self, mean, var, x):
            coeff = 1.0 / (math.sqrt((2.0 * math.pi) * var))
            exponent = math.exp(-(math.pow(x - mean, 2) / (2 * var)))
            return coeff * exponent

        def _calculate_prior(self, c):
            x_where_c = self.X[np.where(self.y == c)]
            return np.shape(x_where_c)[0] / np.shape(self.X)[0]

        def _classify(self, sample):
            posteriors = []
            for i in range(len(self.classes)):
                c = self.classes[i]
                posterior = self._calculate_prior(c)
                for j, params in enumerate(self.parameters[i]):
                    likelihood = self._calculate_likelihood(
                        params["mean"], params["var"], sample[j]
                    )
                    posterior *= likelihood
                posteriors.append(posterior)
            return self.classes[np.argmax(posteriors)]

        def predict(self, X):
            return [self._classify(sample) for sample in X]

    Xn = np.vstack([np.random.randn(10, 3) + m for m in (0, 2, 4)])
    yn = np.repeat(np.arange(3), 10)
    nb = NaiveBayes()
    nb.fit(Xn, yn)
    y_pred = nb.predict(Xn)
    print("Accuracy:", U["accuracy_score"](yn, np.array(y_pred)))
    out += [y_pred, [[p["mean"], p["var"]] for ps in nb.parameters for p in ps]]

    # k_nearest_neighbors.py
    def knn_predict(X_test, X_train, y_train, k=5):
        y_pred = np.empty(X_test.shape[0])
        for i, test_sample in enumerate(X_test):
            neighbors = np.empty((X_train.shape[0], 2))
            for j, observed_sample in enumerate(X_train):
                distance = U["euclidean_distance"](test_sample, observed_sample)
                label = y_train[j]
                neighbors[j] = [distance, label]
            k_nearest_neighbors = neighbors[neighbors[:, 0].argsort()][:k]
            counts = np.bincount(k_nearest_neighbors[:, 1].astype("int"))
            y_pred[i] = counts.argmax()
        return y_pred

    out.append(knn_predict(Xn[::4], Xn, yn, k=3))

    # perceptron.py (one layer, sigmoid activation, square loss)
    sig, sq = U["Sigmoid"](), U["SquareLoss"]()
    yo = U["to_categorical"](yn)
    n_features, n_outputs = Xn.shape[1], yo.shape[1]
    limit = 1 / math.sqrt(n_features)
    W = np.random.uniform(-limit, limit, (n_features, n_outputs))
    w0 = np.zeros((1, n_outputs))
    for _i in range(30):
        linear_output = Xn.dot(W) + w0
        y_pred = sig(linear_output)
        error_gradient = sq.gradient(yo, y_pred) * sig.gradient(linear_output)
        grad_wrt_w = Xn.T.dot(error_gradient)
        grad_wrt_w0 = np.sum(error_gradient, axis=0, keepdims=True)
        W -= 0.01 * grad_wrt_w
        w0 -= 0.01 * grad_wrt_w0
    out += [W, w0, np.argmax(sig(Xn.dot(W) + w0), axis=1)]
    return out


def mlfs_unsupervised(np):
    U = _mlfs_utils(np)
    out = []
    np.random.seed(11)
    X = np.vstack([np.random.randn(15, 2) * 0.5 + c for c in ([0, 0], [3, 3], [0, 4])])

    # k_means.py
    class KMeans:
        def __init__(self, k=2, max_iterations=500):
            self.k = k
            self.max_iterations = max_iterations

        def _init_random_centroids(self, X):
            n_samples, n_features = np.shape(X)
            centroids = np.zeros((self.k, n_features))
            for i in range(self.k):
                centroid = X[np.random.choice(range(n_samples))]
                centroids[i] = centroid
            return centroids

        def _closest_centroid(self, sample, centroids):
            closest_i = 0
            closest_dist = float("inf")
            for i, centroid in enumerate(centroids):
                distance = U["euclidean_distance"](sample, centroid)
                if distance < closest_dist:
                    closest_i = i
                    closest_dist = distance
            return closest_i

        def _create_clusters(self, centroids, X):
            clusters = [[] for _ in range(self.k)]
            for sample_i, sample in enumerate(X):
                centroid_i = self._closest_centroid(sample, centroids)
                clusters[centroid_i].append(sample_i)
            return clusters

        def _calculate_centroids(self, clusters, X):
            n_features = np.shape(X)[1]
            centroids = np.zeros((self.k, n_features))
            for i, cluster in enumerate(clusters):
                centroid = np.mean(X[cluster], axis=0)
                centroids[i] = centroid
            return centroids

        def _get_cluster_labels(self, clusters, X):
            y_pred = np.zeros(np.shape(X)[0])
            for cluster_i, cluster in enumerate(clusters):
                for sample_i in cluster:
                    y_pred[sample_i] = cluster_i
            return y_pred

        def predict(self, X):
            centroids = self._init_random_centroids(X)
            for _ in range(self.max_iterations):
                clusters = self._create_clusters(centroids, X)
                prev_centroids = centroids
                centroids = self._calculate_centroids(clusters, X)
                diff = centroids - prev_centroids
                if not diff.any():
                    break
            self.centroids = centroids
            return self._get_cluster_labels(clusters, X)

    km = KMeans(k=3)
    labels = km.predict(X)
    print("KMeans labels:", labels)
    out += [labels, km.centroids]

    # principal_component_analysis.py
    def pca_transform(X, n_components):
        covariance = U["calculate_covariance_matrix"](X)
        eigenvalues, eigenvectors = np.linalg.eig(covariance)
        idx = eigenvalues.argsort()[::-1]
        eigenvalues = eigenvalues[idx][:n_components]
        eigenvectors = np.atleast_1d(eigenvectors[:, idx])[:, :n_components]
        return X.dot(eigenvectors), eigenvalues

    X3 = np.random.randn(25, 4) @ np.array(
        [[2.0, 0, 0, 0], [0.5, 1.0, 0, 0], [0, 0.3, 0.5, 0], [0.1, 0, 0, 0.2]]
    )
    Xt, ev = pca_transform(X3, 2)
    # eigenvectors' signs are LAPACK's choice: compare |.|
    out += [np.abs(Xt), ev]

    # gaussian_mixture_model.py
    class GaussianMixtureModel:
        def __init__(self, k=2, max_iterations=2000, tolerance=1e-8):
            self.k = k
            self.parameters = []
            self.max_iterations = max_iterations
            self.tolerance = tolerance
            self.responsibilities = []
            self.sample_assignments = None
            self.responsibility = None

        def _init_random_gaussians(self, X):
            n_samples = np.shape(X)[0]
            self.priors = (1 / self.k) * np.ones(self.k)
            for _i in range(self.k):
                params = {}
                params["mean"] = X[np.random.choice(range(n_samples))]
                params["cov"] = U["calculate_covariance_matrix"](X)
                self.parameters.append(params)

        def multivariate_gaussian(self, X, params):
            n_features = np.shape(X)[1]
            mean = params["mean"]
            covar = params["cov"]
            determinant = np.linalg.det(covar)
            likelihoods = np.zeros(np.shape(X)[0])
            for i, sample in enumerate(X):
                d = n_features
                coeff = 1.0 / (math.pow((2.0 * math.pi), d / 2) * math.sqrt(determinant))
                exponent = math.exp(
                    -0.5 * (sample - mean).T.dot(np.linalg.pinv(covar)).dot((sample - mean))
                )
                likelihoods[i] = coeff * exponent
            return likelihoods

        def _get_likelihoods(self, X):
            n_samples = np.shape(X)[0]
            likelihoods = np.zeros((n_samples, self.k))
            for i in range(self.k):
                likelihoods[:, i] = self.multivariate_gaussian(X, self.parameters[i])
            return likelihoods

        def _expectation(self, X):
            weighted_likelihoods = self._get_likelihoods(X) * self.priors
            sum_likelihoods = np.expand_dims(np.sum(weighted_likelihoods, axis=1), axis=1)
            self.responsibility = weighted_likelihoods / sum_likelihoods
            self.sample_assignments = self.responsibility.argmax(axis=1)
            self.responsibilities.append(np.max(self.responsibility, axis=1))

        def _maximization(self, X):
            for i in range(self.k):
                resp = np.expand_dims(self.responsibility[:, i], axis=1)
                mean = (resp * X).sum(axis=0) / resp.sum()
                covariance = (X - mean).T.dot((X - mean) * resp) / resp.sum()
                self.parameters[i]["mean"], self.parameters[i]["cov"] = mean, covariance
            n_samples = np.shape(X)[0]
            self.priors = self.responsibility.sum(axis=0) / n_samples

        def _converged(self, X):
            if len(self.responsibilities) < 2:
                return False
            diff = np.linalg.norm(self.responsibilities[-1] - self.responsibilities[-2])
            return diff <= self.tolerance

        def predict(self, X):
            self._init_random_gaussians(X)
            for _ in range(self.max_iterations):
                self._expectation(X)
                self._maximization(X)
                if self._converged(X):
                    break
            self._expectation(X)
            return self.sample_assignments

    gmm = GaussianMixtureModel(k=3, max_iterations=15)
    assignments = gmm.predict(X)
    print("GMM assignments:", assignments)
    out += [assignments, gmm.priors, [p["mean"] for p in gmm.parameters]]
    out.append([p["cov"] for p in gmm.parameters])
    return out


PROGRAMS = [
    "mlfs_utils",
    "mlfs_supervised",
    "mlfs_unsupervised",
]
