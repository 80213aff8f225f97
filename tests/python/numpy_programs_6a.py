"""Programs from public NumPy material (cs231n's NumPy tutorial, the Python Data Science
Handbook's NumPy chapter, scipy-lectures' NumPy chapter), each a function of the module it
runs with (numpy or arrax.numpy), for test_numpy_programs_like_numpy_6.py; each names its
source."""


# cs231n.github.io python-numpy-tutorial (Arrays, indexing, datatypes, math, broadcasting)
def cs231n(np):
    # cs231n python-numpy-tutorial
    out = []
    a = np.array([1, 2, 3])
    print(a.shape, a[0], a[1], a[2])
    a[0] = 5
    print(a)
    b = np.array([[1, 2, 3], [4, 5, 6]])
    print(b.shape)
    print(b[0, 0], b[0, 1], b[1, 0])
    print(np.zeros((2, 2)))
    print(np.ones((1, 2)))
    print(np.full((2, 2), 7))
    print(np.eye(2))
    a = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    b = a[:2, 1:3]
    print(a[0, 1])
    b[0, 0] = 77
    print(a[0, 1])
    row_r1 = a[1, :]
    row_r2 = a[1:2, :]
    print(row_r1, row_r1.shape)
    print(row_r2, row_r2.shape)
    col_r1 = a[:, 1]
    col_r2 = a[:, 1:2]
    print(col_r1, col_r1.shape)
    print(col_r2, col_r2.shape)
    a = np.array([[1, 2], [3, 4], [5, 6]])
    print(a[[0, 1, 2], [0, 1, 0]])
    print(np.array([a[0, 0], a[1, 1], a[2, 0]]))
    print(a[[0, 0], [1, 1]])
    print(np.array([a[0, 1], a[0, 1]]))
    a = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]])
    b = np.array([0, 2, 0, 1])
    print(a[np.arange(4), b])
    a[np.arange(4), b] += 10
    print(a)
    bool_idx = a > 2
    print(bool_idx)
    print(a[bool_idx])
    print(a[a > 2])
    x = np.array([1, 2])
    print(x.dtype)
    x = np.array([1.0, 2.0])
    print(x.dtype)
    x = np.array([1, 2], dtype=np.int64)
    print(x.dtype)
    x = np.array([[1, 2], [3, 4]], dtype=np.float64)
    y = np.array([[5, 6], [7, 8]], dtype=np.float64)
    print(x + y)
    print(np.add(x, y))
    print(x - y)
    print(np.subtract(x, y))
    print(x * y)
    print(np.multiply(x, y))
    print(x / y)
    print(np.divide(x, y))
    print(np.sqrt(x))
    x = np.array([[1, 2], [3, 4]])
    y = np.array([[5, 6], [7, 8]])
    v = np.array([9, 10])
    w = np.array([11, 12])
    print(v.dot(w))
    print(np.dot(v, w))
    print(v @ w)
    print(x.dot(v))
    print(np.dot(x, v))
    print(x @ v)
    print(x.dot(y))
    print(np.dot(x, y))
    print(x @ y)
    print(np.sum(x))
    print(np.sum(x, axis=0))
    print(np.sum(x, axis=1))
    print(x)
    print("transpose\n", x.T)
    v = np.array([[1, 2, 3]])
    print(v)
    print("transpose\n", v.T)
    x = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]])
    v = np.array([1, 0, 1])
    y = np.empty_like(x)
    for i in range(4):
        y[i, :] = x[i, :] + v
    print(y)
    vv = np.tile(v, (4, 1))
    print(vv)
    print(x + vv)
    print(x + v)
    v = np.array([1, 2, 3])
    w = np.array([4, 5])
    print(np.reshape(v, (3, 1)) * w)
    x = np.array([[1, 2, 3], [4, 5, 6]])
    print(x + v)
    print((x.T + w).T)
    print(x + np.reshape(w, (2, 1)))
    print(x * 2)
    return out


# jakevdp/PythonDataScienceHandbook notebooks/02.03-Computation-on-arrays-ufuncs.ipynb
def pdsh_ufuncs(np):
    # PythonDataScienceHandbook 02.03
    x = np.arange(4)
    print("x     =", x)
    print("x + 5 =", x + 5)
    print("x - 5 =", x - 5)
    print("x * 2 =", x * 2)
    print("x / 2 =", x / 2)
    print("x // 2 =", x // 2)
    print("-x     = ", -x)
    print("x ** 2 = ", x**2)
    print("x % 2  = ", x % 2)
    print(-((0.5 * x + 1) ** 2))
    print(np.add(x, 2))
    x = np.array([-2, -1, 0, 1, 2])
    print(abs(x))
    print(np.absolute(x))
    print(np.abs(x))
    x = np.array([3 - 4j, 4 - 3j, 2 + 0j, 0 + 1j])
    print(np.abs(x))
    theta = np.linspace(0, np.pi, 3)
    print("theta      = ", theta)
    print("sin(theta) = ", np.sin(theta))
    print("cos(theta) = ", np.cos(theta))
    print("tan(theta) = ", np.tan(theta))
    x = [-1, 0, 1]
    print("x         = ", x)
    print("arcsin(x) = ", np.arcsin(x))
    print("arccos(x) = ", np.arccos(x))
    print("arctan(x) = ", np.arctan(x))
    x = [1, 2, 3]
    print("x     =", x)
    print("e^x   =", np.exp(x))
    print("2^x   =", np.exp2(x))
    print("3^x   =", np.power(3, x))
    x = [1, 2, 4, 10]
    print("x        =", x)
    print("ln(x)    =", np.log(x))
    print("log2(x)  =", np.log2(x))
    print("log10(x) =", np.log10(x))
    x = [0, 0.001, 0.01, 0.1]
    print("exp(x) - 1 =", np.expm1(x))
    print("log(1 + x) =", np.log1p(x))
    x = np.arange(5)
    y = np.empty(5)
    np.multiply(x, 10, out=y)
    print(y)
    y = np.zeros(10)
    np.power(2, x, out=y[::2])
    print(y)
    x = np.arange(1, 6)
    print(np.add.reduce(x))
    print(np.multiply.reduce(x))
    print(np.add.accumulate(x))
    print(np.multiply.accumulate(x))
    print(np.multiply.outer(x, x))
    return [np.add.reduce(x), np.multiply.outer(x, x), y]


# jakevdp/PythonDataScienceHandbook notebooks/02.04-Computation-on-arrays-aggregates.ipynb (president heights inline)
def pdsh_aggregates(np):
    # 02.04
    rng = np.random.RandomState(0)
    L = rng.random_sample(100)
    out = [sum(L), np.sum(L)]
    big_array = rng.rand(1000)
    out += [min(big_array), max(big_array), np.min(big_array), np.max(big_array)]
    print(big_array.min(), big_array.max(), big_array.sum())
    M = rng.random((3, 4))
    print(M)
    out += [M.sum(), M.min(axis=0), M.max(axis=1)]
    heights = np.array(
        [
            189,
            170,
            189,
            163,
            183,
            171,
            185,
            168,
            173,
            183,
            173,
            173,
            175,
            178,
            183,
            193,
            178,
            173,
            174,
            183,
            183,
            168,
            170,
            178,
            182,
            180,
            183,
            178,
            182,
            188,
            175,
            179,
            183,
            193,
            182,
            183,
            177,
            185,
            188,
            188,
            182,
            185,
        ]
    )
    print(heights)
    print("Mean height:       ", heights.mean())
    print("Minimum height:    ", heights.min())
    print("Maximum height:    ", heights.max())
    print("25th percentile:   ", np.percentile(heights, 25))
    print("Median:            ", np.median(heights))
    print("75th percentile:   ", np.percentile(heights, 75))
    out += [
        np.nansum(np.array([1.0, np.nan])),
        np.nanmean(np.array([1.0, np.nan, 3.0])),
        np.nanpercentile([1.0, np.nan, 3.0], 50),
    ]
    out += [
        np.argmin(big_array),
        np.argmax(big_array),
        np.median(M, axis=0),
        np.percentile(M, [10, 90], axis=1),
        np.any(M > 0.9),
        np.all(M > 0.01),
    ]
    # (heights.std(): a sum in another order than NumPy's pairwise one, printed to the last digit)
    return out + [heights.std()]


# jakevdp/PythonDataScienceHandbook notebooks/02.05-Computation-on-arrays-broadcasting.ipynb
def pdsh_broadcast(np):
    # 02.05
    a = np.array([0, 1, 2])
    b = np.array([5, 5, 5])
    out = [a + b, a + 5]
    M = np.ones((3, 3))
    out.append(M + a)
    a = np.arange(3)
    b = np.arange(3)[:, np.newaxis]
    print(a)
    print(b)
    out.append(a + b)
    M = np.ones((2, 3))
    a = np.arange(3)
    out.append(M + a)
    a = np.arange(3).reshape((3, 1))
    b = np.arange(3)
    out.append(a + b)
    M = np.ones((3, 2))
    a = np.arange(3)
    try:
        M + a
    except ValueError as e:
        print(type(e).__name__)
    out.append(a[:, np.newaxis].shape)
    out.append(M + a[:, np.newaxis])
    out.append(np.logaddexp(M, a[:, np.newaxis]))
    X = np.random.RandomState(1).random((10, 3))
    Xmean = X.mean(0)
    out.append(Xmean)
    X_centered = X - Xmean
    out.append(X_centered.mean(0))
    x = np.linspace(0, 5, 50)
    y = np.linspace(0, 5, 50)[:, np.newaxis]
    z = np.sin(x) ** 10 + np.cos(10 + y * x) * np.cos(x)
    out.append(z)
    return out


# jakevdp/PythonDataScienceHandbook notebooks/02.06-Boolean-Arrays-and-Masks.ipynb (rainfall made up)
def pdsh_masks(np):
    # 02.06
    rng = np.random.RandomState(0)
    rainfall = np.where(rng.rand(365) < 0.5, 0, rng.randint(0, 400, 365))
    inches = rainfall / 254.0
    out = [inches.shape]
    x = np.array([1, 2, 3, 4, 5])
    out += [x < 3, x > 3, x <= 3, x >= 3, x != 3, x == 3, (2 * x) == (x**2)]
    x = rng.randint(10, size=(3, 4))
    print(x)
    out += [
        x < 6,
        np.count_nonzero(x < 6),
        np.sum(x < 6),
        np.sum(x < 6, axis=1),
        np.any(x > 8),
        np.any(x < 0),
        np.all(x < 10),
        np.all(x == 6),
        np.all(x < 8, axis=1),
    ]
    out.append(np.sum((inches > 0.5) & (inches < 1)))
    out.append(np.sum(~((inches <= 0.5) | (inches >= 1))))
    print("Number days without rain:      ", np.sum(inches == 0))
    print("Number days with rain:         ", np.sum(inches != 0))
    print("Days with more than 0.5 inches:", np.sum(inches > 0.5))
    print("Rainy days with < 0.1 inches  :", np.sum((inches > 0) & (inches < 0.2)))
    out += [x[x < 5]]
    rainy = inches > 0
    summer = (np.arange(365) - 172 < 90) & (np.arange(365) - 172 > 0)
    print("Median precip on rainy days in 2014 (inches):   ", np.median(inches[rainy]))
    print("Median precip on summer days in 2014 (inches):  ", np.median(inches[summer]))
    print("Maximum precip on summer days in 2014 (inches): ", np.max(inches[summer]))
    print("Median precip on non-summer rainy days (inches):", np.median(inches[rainy & ~summer]))
    print(bool(42), bool(0), bool(42 and 0), bool(42 or 0))
    print(bin(42), bin(59), bin(42 & 59), bin(42 | 59))
    A = np.array([1, 0, 1, 0, 1, 0], dtype=bool)
    B = np.array([1, 1, 1, 0, 1, 1], dtype=bool)
    out.append(A | B)
    try:
        A or B  # noqa: B018 (the notebook's point: it raises)
    except ValueError as e:
        print(e)
    x = np.arange(10)
    out.append((x > 4) & (x < 8))
    try:
        (x > 4) and (x < 8)  # noqa: B018 (it raises)
    except ValueError as e:
        print(e)
    return out


# jakevdp/PythonDataScienceHandbook notebooks/02.07-Fancy-Indexing.ipynb
def pdsh_fancy(np):
    # 02.07
    rand = np.random.RandomState(42)
    x = rand.randint(100, size=10)
    print(x)
    out = [[x[3], x[7], x[2]]]
    ind = [3, 7, 4]
    out.append(x[ind])
    ind = np.array([[3, 7], [4, 5]])
    out.append(x[ind])
    X = np.arange(12).reshape((3, 4))
    print(X)
    row = np.array([0, 1, 2])
    col = np.array([2, 1, 3])
    out += [X[row, col], X[row[:, np.newaxis], col], row[:, np.newaxis] * col]
    out += [X[2, [2, 0, 1]], X[1:, [2, 0, 1]]]
    mask = np.array([1, 0, 1, 0], dtype=bool)
    out.append(X[row[:, np.newaxis], mask])
    mean = [0, 0]
    cov = [[1, 2], [2, 5]]
    X = rand.multivariate_normal(mean, cov, 100)
    out.append(X.shape)
    indices = np.random.RandomState(1).choice(X.shape[0], 20, replace=False)
    out.append(indices)
    selection = X[indices]
    out.append(selection.shape)
    x = np.arange(10)
    i = np.array([2, 1, 8, 4])
    x[i] = 99
    print(x)
    x[i] -= 10
    print(x)
    x = np.zeros(10)
    x[[0, 0]] = [4, 6]
    print(x)
    i = [2, 3, 3, 4, 4, 4]
    x[i] += 1
    print(x)
    x = np.zeros(10)
    np.add.at(x, i, 1)
    print(x)
    r = np.random.RandomState(42)
    x = r.randn(100)
    bins = np.linspace(-5, 5, 20)
    counts = np.zeros_like(bins)
    i = np.searchsorted(bins, x)
    np.add.at(counts, i, 1)
    out.append(counts)
    print("NumPy routine:")
    counts2, edges = np.histogram(x, bins)
    out += [counts2, edges]
    return out


# jakevdp/PythonDataScienceHandbook notebooks/02.08-Sorting.ipynb (partitions compared as sets)
def pdsh_sorting(np):
    # 02.08
    def selection_sort(x):
        for i in range(len(x)):
            swap = i + np.argmin(x[i:])
            (x[i], x[swap]) = (x[swap], x[i])
        return x

    x = np.array([2, 1, 4, 3, 5])
    out = [selection_sort(x)]
    x = np.array([2, 1, 4, 3, 5])
    out.append(np.sort(x))
    x.sort()
    print(x)
    x = np.array([2, 1, 4, 3, 5])
    i = np.argsort(x)
    print(i)
    out.append(x[i])
    rand = np.random.RandomState(42)
    X = rand.randint(0, 10, (4, 6))
    print(X)
    out += [np.sort(X, axis=0), np.sort(X, axis=1)]
    x = np.array([7, 2, 3, 1, 6, 5, 4])
    p = np.partition(x, 3)
    out += [np.sort(p[:3]), p[3], np.sort(p[4:])]
    p2 = np.partition(X, 2, axis=1)
    out += [np.sort(p2[:, :2], axis=1), p2[:, 2]]
    X = rand.rand(10, 2)
    dist_sq = np.sum((X[:, np.newaxis, :] - X[np.newaxis, :, :]) ** 2, axis=-1)
    differences = X[:, np.newaxis, :] - X[np.newaxis, :, :]
    out.append(differences.shape)
    sq_differences = differences**2
    out.append(sq_differences.shape)
    dist_sq = sq_differences.sum(-1)
    out += [dist_sq.shape, dist_sq.diagonal()]
    nearest = np.argsort(dist_sq, axis=1)
    print(nearest)
    K = 2
    nearest_partition = np.argpartition(dist_sq, K + 1, axis=1)
    out.append(np.sort(nearest_partition[:, : K + 1], axis=1))
    return out


# jakevdp/PythonDataScienceHandbook notebooks/02.09-Structured-Data-NumPy.ipynb
def pdsh_structured(np):
    # 02.09
    name = ["Alice", "Bob", "Cathy", "Doug"]
    age = [25, 45, 37, 19]
    weight = [55.0, 85.5, 68.0, 61.5]
    x = np.zeros(4, dtype=int)
    data = np.zeros(4, dtype={"names": ("name", "age", "weight"), "formats": ("U10", "i4", "f8")})
    print(data.dtype)
    data["name"] = name
    data["age"] = age
    data["weight"] = weight
    print(data)
    print(data["name"])
    print(data[0])
    print(data[-1]["name"])
    print(data[data["age"] < 30]["name"])
    print(np.dtype({"names": ("name", "age", "weight"), "formats": ("U10", "i4", "f8")}))
    print(
        np.dtype({"names": ("name", "age", "weight"), "formats": ((np.str_, 10), int, np.float32)})
    )
    print(np.dtype([("name", "S10"), ("age", "i4"), ("weight", "f8")]))
    print(np.dtype("S10,i4,f8"))
    tp = np.dtype([("id", "i8"), ("mat", "f8", (3, 3))])
    X = np.zeros(1, dtype=tp)
    print(X[0])
    print(X["mat"][0])
    data_rec = data.view(np.recarray)
    print(data_rec.age)
    return [x, data["age"].mean()]


# PythonDataScienceHandbook 02.09 and scipy-lectures intro/numpy: record arrays sorted by field
def structured_sorting(np):
    # PDSH 02.09 / scipy-lectures: record arrays, sorting by field, rec.fromarrays
    dt = np.dtype([("name", "U10"), ("age", "i4"), ("weight", "f8")])
    data = np.array(
        [("Alice", 25, 55.0), ("Bob", 45, 85.5), ("Cathy", 37, 68.0), ("Doug", 19, 61.5)], dtype=dt
    )
    print(np.sort(data, order="age"))
    print(np.argsort(data, order=["weight"]))
    print(data[np.argsort(data["age"])]["name"])
    r = np.rec.fromarrays([np.array([1, 2, 3]), np.array([1.5, 2.5, 3.5])], names="a,b")
    print(r, r.a, r.b.mean())
    ages = data["age"]
    print(ages.mean(), ages.dtype, type(ages).__name__ == "ndarray")
    heavy = data["weight"] > 60
    print(data[heavy]["name"], heavy.sum())
    x = np.zeros(3, dtype=[("x", float), ("y", float)])
    x["x"] = np.arange(3)
    x["y"] = np.arange(3) ** 2
    print(x, x[["y", "x"]], np.sqrt(x["x"] ** 2 + x["y"] ** 2))
    u = np.empty(2, dtype={"names": ["a", "b"], "formats": [np.int8, (np.float64, (2,))]})
    u["a"] = [1, 2]
    u["b"] = [[0.5, 1.5], [2.5, 3.5]]
    print(u["b"].sum(axis=1), u.dtype)
    f = np.full(2, (1, 2.0), dtype=[("i", int), ("f", float)])
    print(f)
    o = np.ones(2, dtype={"names": ["p"], "formats": ["f4"]})
    print(o, o.dtype)
    return [ages, np.asarray(data["weight"]) * 2]


# scipy-lectures/scientific-python-lectures intro/numpy (array object, operations: sieve, random walk, mileposts, resize)
def lectures_intro(np):
    # scipy-lectures intro/numpy (array object, operations, more elaborate arrays)
    out = []
    is_prime = np.ones((100,), dtype=bool)
    is_prime[:2] = 0
    N_max = int(np.sqrt(len(is_prime) - 1))
    for j in range(2, N_max + 1):
        is_prime[2 * j :: j] = False
    out.append(np.nonzero(is_prime)[0])
    np.random.seed(3)
    a = np.random.randint(0, 21, 15)
    print(a)
    print(a % 3 == 0)
    mask = a % 3 == 0
    print(a[mask])
    a[a % 3 == 0] = -1
    print(a)
    a = np.arange(0, 100, 10)
    print(a[[2, 3, 2, 4, 2]])
    a[[9, 7]] = -100
    print(a)
    a = np.arange(10)
    idx = np.array([[3, 4], [9, 7]])
    print(idx.shape, a[idx])
    a = np.arange(10)
    print(np.may_share_memory(a, a[::2]), np.may_share_memory(a, a[::2].copy()))
    print(a[2:9:3], a[:4], a[1:3], a[::2], a[3:], a[::-1])
    a = np.array([1, 2, 3, 4])
    print(a + 1, 2**a)
    b = np.ones(4) + 1
    print(a - b, a * b)
    j = np.arange(5)
    print(2 ** (j + 1) - j)
    c = np.ones((3, 3))
    print(c * c)
    print(c.dot(c))
    a = np.array([1, 2, 3, 4])
    b = np.array([4, 2, 2, 4])
    c = np.array([1, 2, 3, 4])
    print(a == b, a > b, np.array_equal(a, b), np.array_equal(a, c))
    a = np.array([1, 1, 0, 0], dtype=bool)
    b = np.array([1, 0, 1, 0], dtype=bool)
    print(np.logical_or(a, b), np.logical_and(a, b))
    a = np.arange(5)
    print(np.sin(a))
    print(np.log(a + 1))
    print(np.exp(a))
    a = np.triu(np.ones((3, 3)), 1)
    print(a)
    print(a.T)
    x = np.array([[1, 1], [2, 2]])
    print(x.sum(axis=0), x[:, 0].sum(), x[:, 1].sum(), x.sum(axis=1))
    x = np.random.rand(2, 2, 2)
    out.append(x.sum(axis=2)[0, 1])
    out.append(x[0, 1, :].sum())
    x = np.array([1, 3, 2])
    print(x.min(), x.max(), x.argmin(), x.argmax())
    print(np.all([True, True, False]), np.any([True, True, False]))
    a = np.zeros((100, 100))
    print(np.any(a != 0), np.all(a == a))
    a = np.array([1, 2, 3, 2])
    b = np.array([2, 2, 3, 2])
    c = np.array([6, 4, 4, 5])
    print(((a <= b) & (b <= c)).all())
    x = np.array([1, 2, 3, 1])
    y = np.array([[1, 2, 3], [5, 6, 1]])
    print(x.mean(), np.median(x), np.median(y, axis=-1), x.std())
    year = np.arange(1900, 1921)
    rs = np.random.RandomState(0)
    data = np.column_stack(
        [
            year,
            rs.randint(1000, 80000, 21),
            rs.randint(1000, 60000, 21),
            rs.randint(30000, 50000, 21),
        ]
    ).astype(float)
    year, hares, lynxes, carrots = data.T
    populations = data[:, 1:]
    print(populations.mean(axis=0))
    out.append(populations.std(axis=0))
    print(np.argmax(populations, axis=1))
    out.append(np.corrcoef(hares, lynxes))
    n_stories = 100
    t_max = 20
    t = np.arange(t_max)
    steps = 2 * np.random.randint(0, 1 + 1, (n_stories, t_max)) - 1
    print(np.unique(steps))
    positions = np.cumsum(steps, axis=1)
    sq_distance = positions**2
    mean_sq_distance = np.mean(sq_distance, axis=0)
    out += [positions, mean_sq_distance, np.sqrt(mean_sq_distance), t]
    a = np.tile(np.arange(0, 40, 10), (3, 1)).T
    print(a)
    b = np.array([0, 1, 2])
    print(a + b)
    a = np.ones((4, 5))
    a[0] = 2
    print(a)
    a = np.arange(0, 40, 10)
    print(a.shape)
    a = a[:, np.newaxis]
    print(a.shape)
    print(a + b)
    mileposts = np.array([0, 198, 303, 736, 871, 1175, 1475, 1544, 1913, 2448])
    distance_array = np.abs(mileposts - mileposts[:, np.newaxis])
    print(distance_array)
    x, y = np.arange(5), np.arange(5)[:, np.newaxis]
    distance = np.sqrt(x**2 + y**2)
    out.append(distance)
    x, y = np.ogrid[0:5, 0:5]
    print(x, y)
    print(x.shape, y.shape)
    x, y = np.mgrid[0:4, 0:4]
    print(x)
    print(y)
    a = np.array([[1, 2, 3], [4, 5, 6]])
    print(a.ravel())
    print(a.T)
    print(a.T.ravel())
    b = a.ravel()
    b = b.reshape((2, 3))
    print(b)
    print(a.reshape((2, -1)))
    b[0, 0] = 99
    print(a)
    a = np.zeros((3, 2))
    b = a.T.reshape(3 * 2)
    b[0] = 9
    print(a)
    z = np.array([1, 2, 3])
    print(z[:, np.newaxis])
    print(z[np.newaxis, :])
    a = np.arange(4 * 3 * 2).reshape(4, 3, 2)
    print(a.shape, a[0, 2, 1])
    b = a.transpose(1, 2, 0)
    print(b.shape, b[2, 1, 0])
    b[2, 1, 0] = -1
    print(a[0, 2, 1])
    a = np.arange(4)
    a.resize((8,))
    print(a)
    b = a
    try:
        a.resize((4,))
    except ValueError as e:
        print(e)
    a = np.array([[4, 3, 5], [1, 2, 1]])
    b = np.sort(a, axis=1)
    print(b)
    a.sort(axis=1)
    print(a)
    a = np.array([4, 3, 1, 2])
    j = np.argsort(a)
    print(j, a[j])
    a = np.array([4, 3, 1, 2])
    j_max = np.argmax(a)
    j_min = np.argmin(a)
    print(j_max, j_min)
    return out


# scipy-lectures intro/numpy/elaborate_arrays (casting, structured, masked, polynomials)
def lectures_types(np):
    # scipy-lectures intro/numpy/elaborate_arrays
    out = []
    print(np.array([1, 2, 3]) + 1.5)
    a = np.array([1, 2, 3])
    print(a.dtype)
    a[0] = 1.9
    print(a)
    a = np.array([1.7, 1.2, 1.6])
    b = a.astype(int)
    print(b)
    a = np.array([1.2, 1.5, 1.6, 2.5, 3.5, 4.5])
    b = np.around(a)
    print(b)
    c = np.around(a).astype(int)
    print(c)
    print(np.array([1], dtype=int).dtype)
    print(np.iinfo(np.int32).max, 2**31 - 1)
    print(np.iinfo(np.uint32).max, 2**32 - 1)
    print(np.iinfo(np.int64).max, 2**63 - 1)
    print(np.finfo(np.float32).eps)
    print(np.finfo(np.float64).eps)
    print(np.float32(1e-8) + np.float32(1) == 1)
    print(np.float64(1e-8) + np.float64(1) == 1)
    a = np.zeros((int(1e6),), dtype=np.float64)
    b = np.zeros((int(1e6),), dtype=np.float32)
    out.append((a * a).dtype)
    out.append((b * b).dtype)
    samples = np.zeros((6,), dtype=[("sensor_code", "S4"), ("position", float), ("value", float)])
    print(samples.ndim, samples.shape, samples.dtype.names)
    samples[:] = [
        ("ALFA", 1, 0.37),
        ("BETA", 1, 0.11),
        ("TAU", 1, 0.13),
        ("ALFA", 1.5, 0.37),
        ("ALFA", 3, 0.11),
        ("TAU", 1.2, 0.13),
    ]
    print(samples)
    print(samples["sensor_code"])
    print(samples["value"])
    print(samples[0])
    samples[0]["sensor_code"] = "TAU"
    print(samples[0])
    print(samples[["position", "value"]])
    print(samples[samples["sensor_code"] == b"ALFA"])
    x = np.ma.array([1, 2, 3, 4], mask=[0, 1, 0, 1])
    print(x)
    y = np.ma.array([1, 2, 3, 4], mask=[0, 1, 1, 1])
    print(x + y)
    print(np.ma.sqrt([1, -1, 2, -2]))
    p = np.poly1d([3, 2, -1])
    print(p(0))
    print(p.roots)
    print(p.order)
    x = np.linspace(0, 1, 20)
    y = np.cos(x) + 0.3 * np.random.RandomState(0).rand(20)
    p = np.poly1d(np.polyfit(x, y, 3))
    out.append(p.coeffs)
    t = np.linspace(0, 1, 200)
    out.append(p(t))
    p = np.polynomial.Polynomial([-1, 2, 3])
    print(p(0))
    print(p.roots())
    print(p.degree())
    x = np.linspace(-1, 1, 200)
    y = np.cos(x) + 0.3 * np.random.RandomState(1).rand(200)
    p = np.polynomial.Chebyshev.fit(x, y, 9)
    out.append(p(x))
    return out


# scipy-lectures intro/numpy/exercises (Markov chain, framing a face, data statistics)
def lectures_exercises(np):
    # scipy-lectures intro/numpy/exercises: Markov chain, framing a face, data statistics
    out = []
    np.random.seed(1234)
    n_states = 5
    n_steps = 50
    tolerance = 1e-5
    P = np.random.rand(n_states, n_states)
    P /= P.sum(axis=1)[:, np.newaxis]
    p = np.random.rand(n_states)
    p /= p.sum()
    for _ in range(n_steps):
        p = P.T.dot(p)
    p_50 = p
    print(p_50)
    w, v = np.linalg.eig(P.T)
    j_stationary = np.argmin(abs(w - 1.0))
    p_stationary = v[:, j_stationary].real
    p_stationary /= p_stationary.sum()
    print(p_stationary)
    print(all(abs(p_50 - p_stationary) < tolerance))
    print(np.allclose(p_50, p_stationary))
    out += [p_50, p_stationary, w.dtype, v.dtype]
    face = (np.arange(64 * 80) % 251).reshape(64, 80).astype(np.uint8)
    face[10:14] = 255
    lx, ly = face.shape
    X, Y = np.ogrid[0:lx, 0:ly]
    mask = (X - lx / 2) ** 2 + (Y - ly / 2) ** 2 > lx * ly / 4
    face[mask] = 0
    face[range(40), range(40)] = 255
    out += [face, mask]
    img = face[::2, ::2].copy()
    img[img > 200] = 200
    out += [img, np.mean(face, axis=0), face.astype(float).std()]
    data = np.column_stack(
        [
            np.arange(1900, 1921),
            (np.arange(21) * 7919) % 80000,
            (np.arange(21) * 104729) % 50000,
            40000 + (np.arange(21) * 31) % 3000,
        ]
    )
    year, hares, lynxes, carrots = data.T
    populations = data[:, 1:]
    print("       Hares, Lynxes, Carrots")
    print("Mean:", populations.mean(axis=0))
    print("Std:", populations.std(axis=0))
    j_max_years = np.argmax(populations, axis=0)
    print("Max. year:", year[j_max_years])
    max_species = np.argmax(populations, axis=1)
    species = np.array(["Hare", "Lynx", "Carrot"])
    print("Max species:")
    print(year)
    print(species[max_species])
    above_50000 = np.any(populations > 50000, axis=1)
    print("Any above 50000:", year[above_50000])
    j_top_2 = np.argsort(populations, axis=0)[:2]
    print("Top 2 years with lowest populations for each:")
    print(year[j_top_2])
    hare_grad = np.gradient(hares, 1.0)
    print("diff(Hares) vs. Lynxes correlation", np.corrcoef(hare_grad, lynxes)[0, 1])
    out += [hare_grad, species[max_species], np.argsort(populations, axis=0)]
    return out


PROGRAMS = [
    "cs231n",
    "pdsh_ufuncs",
    "pdsh_aggregates",
    "pdsh_broadcast",
    "pdsh_masks",
    "pdsh_fancy",
    "pdsh_sorting",
    "pdsh_structured",
    "structured_sorting",
    "lectures_intro",
    "lectures_types",
    "lectures_exercises",
]
