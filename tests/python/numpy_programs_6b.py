"""Programs from public NumPy material (scipy-lectures' advanced NumPy chapter, From Python
to NumPy, numpy.org's guide and tutorials), each a function of the module it runs with (numpy
or arrax.numpy), for test_numpy_programs_like_numpy_6.py; each names its source."""


# scipy-lectures advanced/advanced_numpy (memory layout, strides, as_strided, views)
def advanced_strides(np):
    # scipy-lectures advanced/advanced_numpy

    out = []
    x = np.array([1, 2, 3], dtype=np.int32)
    print(bytes(x.data))
    print(x.dtype.itemsize, x.strides, x.nbytes)
    x = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype=np.int8)
    print(x.tobytes("A"))
    print(x.strides)
    byte_offset = 3 * 1 + 1 * 2
    print(x.flat[byte_offset], x[1, 2])
    x = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int16, order="C")
    print(x.strides)
    print(bytes(x.data))
    y = np.array(x, order="F")
    print(y.strides)
    print(bytes(y.data))
    x = np.array([1, 2, 3, 4, 5, 6], dtype=np.int32)
    y = x[::-1]
    print(y, y.strides)
    y = x[2:]
    print(y, y.strides)
    x = np.zeros((10, 10, 10), dtype=float)
    print(x.strides, x[::2, ::3, ::4].strides)
    x = np.zeros((10, 10, 10), dtype=float)
    y = x.T
    print(y.strides)
    z = y.reshape(100, 10)
    print(z.strides)
    print(y.flags.c_contiguous, y.flags.f_contiguous, x.flags.c_contiguous)
    as_strided = np.lib.stride_tricks.as_strided
    x = np.array([1, 2, 3, 4], dtype=np.int16)
    print(as_strided(x, strides=(2 * 2,), shape=(2,)))
    print(x[::2])
    x = np.array([1, 2, 3, 4], dtype=np.int8)
    y = as_strided(x, strides=(0, 1), shape=(3, 4))
    print(y)
    x = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype=np.int32)
    x_diag = as_strided(x, shape=(3,), strides=((3 + 1) * x.itemsize,))
    print(x_diag)
    print(as_strided(x[0, 1:], shape=(2,), strides=((3 + 1) * x.itemsize,)))
    print(as_strided(x[1:, 0], shape=(2,), strides=((3 + 1) * x.itemsize,)))
    y = np.diag(x, k=1)
    print(y)
    x = np.arange(5 * 5 * 5 * 5).reshape(5, 5, 5, 5)
    s = 0
    for i in range(5):
        for j in range(5):
            s += x[j, i, j, i]
    y = as_strided(
        x, shape=(5, 5), strides=((5 * 5 * 5 + 5) * x.itemsize, (5 * 5 + 1) * x.itemsize)
    )
    print(s, y.sum())
    x = np.array([1, 2, 3, 4], dtype=np.uint8)
    print(x.view("<i2"))
    print(x.view("<i4"))
    print(x.view(">i4"))
    y = x.view("<i4")
    print(y)
    x[1] = 5
    print(y)
    x = np.zeros((10, 10, 4), dtype=np.int8)
    x[:, :, 0] = 1
    x[:, :, 1] = 2
    x[:, :, 2] = 3
    x[:, :, 3] = 4
    y = x.view([("r", "i1"), ("g", "i1"), ("b", "i1"), ("a", "i1")])[:, :, 0]
    print(y["r"].sum(), y["b"].shape)
    x = np.array([1, 2, 3], dtype=np.int32)
    y = x.view(np.int8)
    print(y)
    print(x.astype(np.int8))
    x = np.zeros((1,), dtype=np.int8)
    print(x.itemsize)
    return out


# scipy-lectures advanced/advanced_numpy (setting .dtype, .ctypes, frombuffer)
def advanced_dtypes(np):
    # scipy-lectures advanced_numpy: dtype tricks, byte order, sub-arrays
    out = []
    x = np.array([1, 2, 3, 4], dtype=np.uint8)
    x.dtype = "<i2"
    print(x)
    x.dtype = "<i4"
    print(x)
    x = np.array([1, 2, 3, 4], dtype=np.uint8)
    x.shape = (2, 2)
    print(x)
    x = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int16)
    print(x.strides, x.T.strides, x.T.copy().strides, np.ascontiguousarray(x.T).strides)
    print(x.ctypes.data == x.__array_interface__["data"][0])
    print(
        x.__array_interface__["shape"],
        x.__array_interface__["typestr"],
        x.__array_interface__["strides"],
    )
    y = np.frombuffer(x.tobytes(), dtype=np.int16).reshape(2, 3)
    print(y, y.flags.writeable)
    z = np.frombuffer(b"\x01\x00\x02\x00", dtype="<u2")
    print(z)
    x = np.arange(12, dtype=np.int32)
    print(x.view(np.uint8)[:8])
    print(x.view(np.int64).shape)
    print(x.reshape(3, 4).view(np.int16).shape)
    print(np.dtype(np.int32).itemsize, np.dtype("f4").char, np.dtype("c16").kind)
    return out


# rougier/from-python-to-numpy code/mandelbrot_numpy_2.py (np.negative(I, I) on bools now raises)
def rougier_mandelbrot(np):
    xmin, xmax, ymin, ymax, xn, yn, itermax, horizon = -2.25, 0.75, -1.25, 1.25, 30, 25, 20, 2.0
    Xi, Yi = np.mgrid[0:xn, 0:yn]
    Xi, Yi = Xi.astype(np.uint32), Yi.astype(np.uint32)
    X = np.linspace(xmin, xmax, xn, dtype=np.float32)[Xi]
    Y = np.linspace(ymin, ymax, yn, dtype=np.float32)[Yi]
    C = X + Y * 1j
    N_ = np.zeros(C.shape, dtype=np.uint32)
    Z_ = np.zeros(C.shape, dtype=np.complex64)
    Xi.shape = Yi.shape = C.shape = xn * yn
    Z = np.zeros(C.shape, np.complex64)
    for i in range(itermax):
        if not len(Z):
            break
        np.multiply(Z, Z, Z)
        np.add(Z, C, Z)
        I = abs(Z) > horizon
        N_[Xi[I], Yi[I]] = i + 1
        Z_[Xi[I], Yi[I]] = Z[I]
        np.logical_not(I, I)
        Z = Z[I]
        Xi, Yi = Xi[I], Yi[I]
        C = C[I]
    try:
        np.negative(I, I)
    except TypeError as e:
        print(type(e).__name__)
    return [Z_.T, N_.T, C.dtype, X.dtype, Z.shape]


# rougier/from-python-to-numpy code/fractal_dimension.py (random image)
def rougier_fractal(np):
    def boxcount(Z, k):
        S = np.add.reduceat(
            np.add.reduceat(Z, np.arange(0, Z.shape[0], k), axis=0),
            np.arange(0, Z.shape[1], k),
            axis=1,
        )
        return len(np.where((S > 0) & (S < k * k))[0])

    rs = np.random.RandomState(0)
    Z = rs.rand(64, 48)
    threshold = 0.4
    Z = Z < threshold
    p = min(Z.shape)
    n = 2 ** np.floor(np.log(p) / np.log(2))
    n = int(np.log(n) / np.log(2))
    sizes = 2 ** np.arange(n, 1, -1)
    counts = []
    for size in sizes:
        counts.append(boxcount(Z, size))
    coeffs = np.polyfit(np.log(sizes), np.log(counts), 1)
    S = np.add.reduceat(Z, np.arange(0, Z.shape[0], 8), axis=0)
    return [
        -coeffs[0],
        counts,
        sizes,
        S,
        np.add.reduceat(np.arange(8), [0, 4, 1, 5, 7]),
        np.maximum.reduceat(np.arange(8.0), [0, 3, 6]),
    ]


# rougier/from-python-to-numpy code/gray-scott.py (10 steps, no animation)
def rougier_gray_scott(np):
    n = 16
    Du, Dv, F, k = 0.16, 0.08, 0.035, 0.065
    Z = np.zeros((n + 2, n + 2), [("U", np.double), ("V", np.double)])
    U, V = Z["U"], Z["V"]
    u, v = U[1:-1, 1:-1], V[1:-1, 1:-1]
    r = 4
    u[...] = 1.0
    U[n // 2 - r : n // 2 + r, n // 2 - r : n // 2 + r] = 0.50
    V[n // 2 - r : n // 2 + r, n // 2 - r : n // 2 + r] = 0.25
    np.random.seed(0)
    u += 0.05 * np.random.uniform(-1, +1, (n, n))
    v += 0.05 * np.random.uniform(-1, +1, (n, n))
    for _ in range(10):
        Lu = U[0:-2, 1:-1] + U[1:-1, 0:-2] - 4 * U[1:-1, 1:-1] + U[1:-1, 2:] + U[2:, 1:-1]
        Lv = V[0:-2, 1:-1] + V[1:-1, 0:-2] - 4 * V[1:-1, 1:-1] + V[1:-1, 2:] + V[2:, 1:-1]
        uvv = u * v * v
        u += Du * Lu - uvv + F * (1 - u)
        v += Dv * Lv + uvv - (F + k) * v
    return [U.copy(), V.copy(), V.min(), V.max()]


# rougier/from-python-to-numpy code/find_index.py (np.lib.array_utils.byte_bounds)
def rougier_find_index(np):
    byte_bounds = np.lib.array_utils.byte_bounds

    def find_index(base, view):
        itemsize = view.itemsize
        offset_start = (byte_bounds(view)[0] - byte_bounds(base)[0]) // itemsize
        offset_stop = (byte_bounds(view)[-1] - byte_bounds(base)[-1] - 1) // itemsize
        index_start = np.unravel_index(offset_start, base.shape)
        index_stop = np.unravel_index(base.size + offset_stop, base.shape)
        index_step = np.array(view.strides) // np.array(base.strides)
        index = ""
        for i in range(len(index_step)):
            start = index_start[i]
            stop = index_stop[i]
            step = index_step[i]
            if stop == start:
                stop, step = None, None
            else:
                if stop == base.shape[i] - 1:
                    stop = None
                if start == 0:
                    start = None
            if step is not None and stop is not None:
                if step < 0:
                    start, stop = stop, start - 1
                else:
                    start, stop = start, stop + 1
            if start is not None:
                index += str(start)
            if stop is not None:
                index += ":" + str(stop)
            elif step is not None:
                index += ":"
            if step is not None:
                index += ":" + str(step)
            index += ","
        return index[:-1]

    base = np.arange(8 * 8).reshape(8, 8)
    out = []
    for Z in (base[1:-1, 1:-1], base[::2, ::2], base[:, 0], base[0, :], base[1:5:3, 3:5]):
        index = find_index(base, Z)
        print(index)
        print(np.allclose(Z, eval("base[%s]" % index)))
        out.append(index)
    return out


# rougier/from-python-to-numpy code/boid-numpy.py (Flock.run, MarkerCollection.update)
def rougier_boids(np):
    count, width, height = 40, 64, 36
    min_velocity, max_velocity, max_acceleration = 0.5, 2.0, 0.03
    velocity = np.zeros((count, 2), dtype=np.float32)
    position = np.zeros((count, 2), dtype=np.float32)
    np.random.seed(1)
    angle = np.random.uniform(0, 2 * np.pi, count)
    velocity[:, 0] = np.cos(angle)
    velocity[:, 1] = np.sin(angle)
    angle = np.random.uniform(0, 2 * np.pi, count)
    radius = min(width, height) / 2 * np.random.uniform(0, 1, count)
    position[:, 0] = width / 2 + np.cos(angle) * radius
    position[:, 1] = height / 2 + np.sin(angle) * radius
    out = [velocity.copy(), position.copy()]
    for _ in range(3):
        n = len(position)
        dx = np.subtract.outer(position[:, 0], position[:, 0])
        dy = np.subtract.outer(position[:, 1], position[:, 1])
        distance = np.hypot(dx, dy)
        mask_0 = distance > 0
        mask_1 = distance < 25
        mask_2 = distance < 50
        mask_1 *= mask_0
        mask_2 *= mask_0
        mask_3 = mask_2
        mask_1_count = np.maximum(mask_1.sum(axis=1), 1)
        mask_2_count = np.maximum(mask_2.sum(axis=1), 1)
        mask_3_count = mask_2_count
        mask, cnt = mask_1, mask_1_count
        target = np.dstack((dx, dy))
        target = np.divide(
            target, distance.reshape(n, n, 1) ** 2, out=target, where=distance.reshape(n, n, 1) != 0
        )
        steer = (target * mask.reshape(n, n, 1)).sum(axis=1) / cnt.reshape(n, 1)
        norm = np.sqrt((steer * steer).sum(axis=1)).reshape(n, 1)
        steer = max_velocity * np.divide(steer, norm, out=steer, where=norm != 0)
        steer -= velocity
        norm = np.sqrt((steer * steer).sum(axis=1)).reshape(n, 1)
        steer = np.multiply(
            steer, max_acceleration / norm, out=steer, where=norm > max_acceleration
        )
        separation = steer
        mask, cnt = mask_2, mask_2_count
        target = np.dot(mask, velocity) / cnt.reshape(n, 1)
        norm = np.sqrt((target * target).sum(axis=1)).reshape(n, 1)
        target = max_velocity * np.divide(target, norm, out=target, where=norm != 0)
        steer = target - velocity
        norm = np.sqrt((steer * steer).sum(axis=1)).reshape(n, 1)
        steer = np.multiply(
            steer, max_acceleration / norm, out=steer, where=norm > max_acceleration
        )
        alignment = steer
        mask, cnt = mask_3, mask_3_count
        target = np.dot(mask, position) / cnt.reshape(n, 1)
        desired = target - position
        norm = np.sqrt((desired * desired).sum(axis=1)).reshape(n, 1)
        desired *= max_velocity / norm
        steer = desired - velocity
        norm = np.sqrt((steer * steer).sum(axis=1)).reshape(n, 1)
        steer = np.multiply(
            steer, max_acceleration / norm, out=steer, where=norm > max_acceleration
        )
        cohesion = steer
        acceleration = 1.5 * separation + alignment + cohesion
        velocity += acceleration
        norm = np.sqrt((velocity * velocity).sum(axis=1)).reshape(n, 1)
        velocity = np.multiply(
            velocity, max_velocity / norm, out=velocity, where=norm > max_velocity
        )
        velocity = np.multiply(
            velocity, min_velocity / norm, out=velocity, where=norm < min_velocity
        )
        position += velocity
        position += (width, height)
        position %= (width, height)
        out += [
            distance.dtype,
            target.dtype,
            steer.dtype,
            acceleration.dtype,
            mask_1_count.dtype,
            velocity.copy(),
            position.copy(),
        ]
    # marker collection
    v = np.array([(-0.25, -0.25), (+0.0, +0.5), (+0.25, -0.25), (0, 0)])
    base = np.tile(v.reshape(-1), count).reshape(count, len(v), 2)
    vertices = np.tile(v.reshape(-1), count).reshape(count, len(v), 2)
    vertices[...] = base * 10
    rotate = -np.pi / 2 + np.arctan2(velocity[:, 1], velocity[:, 0])
    c, s = np.cos(rotate), np.sin(rotate)
    R = np.empty((count, 2, 2))
    R[:, 0, 0] = c
    R[:, 1, 0] = s
    R[:, 0, 1] = -s
    R[:, 1, 1] = c
    vertices[...] = np.einsum("ijk,ilk->ijl", vertices, R)
    vertices += position.reshape(count, 1, 2)
    P = position.astype(int)
    trace = np.zeros((height, width))
    trace[height - 1 - P[:, 1], P[:, 0]] = 0.75
    trace *= 0.99
    out += [rotate.dtype, vertices, trace, P]
    return out


# rougier/from-python-to-numpy book/05-problem-vectorization (build_maze, value diffusion solve)
def rougier_maze(np):
    np.random.seed(2)
    shape = (15, 15)
    complexity = 0.75
    density = 0.50
    shape = ((shape[0] // 2) * 2 + 1, (shape[1] // 2) * 2 + 1)
    n_complexity = int(complexity * (shape[0] + shape[1]))
    n_density = int(density * (shape[0] * shape[1]))
    Z = np.zeros(shape, dtype=bool)
    Z[0, :] = Z[-1, :] = Z[:, 0] = Z[:, -1] = 1
    P = np.random.normal(0, 0.5, (n_density, 2))
    P = 0.5 - np.maximum(-0.5, np.minimum(P, +0.5))
    P = (P * [shape[1], shape[0]]).astype(int)
    P = 2 * (P // 2)
    for i in range(n_density):
        T = Z[2:-2:2, 2:-2:2]
        if T.sum() == T.size:
            break
        x, y = P[i]
        Z[y, x] = 1
        for _ in range(n_complexity):
            neighbours = []
            if x > 1:
                neighbours.append([(y, x - 1), (y, x - 2)])
            if x < shape[1] - 2:
                neighbours.append([(y, x + 1), (y, x + 2)])
            if y > 1:
                neighbours.append([(y - 1, x), (y - 2, x)])
            if y < shape[0] - 2:
                neighbours.append([(y + 1, x), (y + 2, x)])
            if len(neighbours):
                choice = np.random.randint(len(neighbours))
                next_1, next_2 = neighbours[choice]
                if Z[next_2] == 0:
                    Z[next_1] = 1
                    Z[next_2] = 1
                    y, x = next_2
            else:
                break
    out = [Z.copy(), P]
    # solve: value diffusion on the free cells (Bellman-Ford style)
    free = ~Z
    start, goal = (1, 1), (shape[0] - 2, shape[1] - 2)
    free[start] = free[goal] = True
    G = np.zeros(Z.shape)
    G[start] = 1

    def diffuse(Z, gamma=0.99):
        return gamma * np.maximum.reduce(
            [Z[1:-1, 1:-1], Z[0:-2, 1:-1], Z[2:, 1:-1], Z[1:-1, 0:-2], Z[1:-1, 2:]]
        )

    steps = 0
    while G[goal] == 0.0 and steps < 200:
        G[1:-1, 1:-1] = diffuse(G) * free[1:-1, 1:-1]
        G[start] = 1
        steps += 1
    out += [G, steps]
    if G[goal] > 0:
        y, x = goal
        dirs = (0, -1), (0, +1), (-1, 0), (+1, 0)
        path = []
        while (y, x) != start and len(path) < 500:
            path.append((y, x))
            neighbours = [-1, -1, -1, -1]
            if x > 0:
                neighbours[0] = G[y, x - 1]
            if x < G.shape[1] - 1:
                neighbours[1] = G[y, x + 1]
            if y > 0:
                neighbours[2] = G[y - 1, x]
            if y < G.shape[0] - 1:
                neighbours[3] = G[y + 1, x]
            a = np.argmax(neighbours)
            x, y = x + dirs[a][1], y + dirs[a][0]
        path.append(start)
        out.append(np.array(path))
    return out


# numpy.org doc "NumPy: the absolute basics for beginners"
def numpy_absolute_basics(np):
    # numpy.org "NumPy: the absolute basics for beginners"
    out = []
    a = np.array([2, 1, 5, 3, 7, 4, 6, 8])
    print(np.sort(a))
    a = np.array([1, 2, 3, 4])
    b = np.array([5, 6, 7, 8])
    print(np.concatenate((a, b)))
    x = np.array([[1, 2], [3, 4]])
    y = np.array([[5, 6]])
    print(np.concatenate((x, y), axis=0))
    array_example = np.array(
        [[[0, 1, 2, 3], [4, 5, 6, 7]], [[0, 1, 2, 3], [4, 5, 6, 7]], [[0, 1, 2, 3], [4, 5, 6, 7]]]
    )
    print(array_example.ndim, array_example.size, array_example.shape)
    a = np.arange(6)
    b = a.reshape(3, 2)
    print(b)
    print(np.reshape(a, shape=(1, 6), order="C"))
    a = np.array([1, 2, 3, 4, 5, 6])
    a2 = a[np.newaxis, :]
    print(a2.shape)
    col_vector = a[:, np.newaxis]
    print(col_vector.shape)
    b = np.expand_dims(a, axis=1)
    print(b.shape)
    c = np.expand_dims(a, axis=0)
    print(c.shape)
    a = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    print(a[a < 5])
    five_up = a >= 5
    print(a[five_up])
    divisible_by_2 = a[a % 2 == 0]
    print(divisible_by_2)
    c = a[(a > 2) & (a < 11)]
    print(c)
    five_up = (a > 5) | (a == 5)
    print(five_up)
    b = np.nonzero(a < 5)
    print(b)
    list_of_coordinates = list(zip(b[0], b[1]))
    for coord in list_of_coordinates:
        print(tuple(int(c) for c in coord))  # (the source prints NumPy scalars' reprs)
    print(a[b])
    not_there = np.nonzero(a == 42)
    print(not_there)
    a = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    arr1 = a[3:8]
    print(arr1)
    a1 = np.array([[1, 1], [2, 2]])
    a2 = np.array([[3, 3], [4, 4]])
    print(np.vstack((a1, a2)))
    print(np.hstack((a1, a2)))
    x = np.arange(1, 25).reshape(2, 12)
    print(np.hsplit(x, 3))
    print(np.hsplit(x, (3, 4)))
    a = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    b1 = a[0, :]
    print(b1)
    b1[0] = 99
    print(b1)
    print(a)
    data = np.array([1, 2])
    ones = np.ones(2, dtype=int)
    print(data + ones, data - ones, data * data, data / data)
    a = np.array([1, 2, 3, 4])
    print(a.sum())
    b = np.array([[1, 1], [2, 2]])
    print(b.sum(axis=0))
    print(b.sum(axis=1))
    data = np.array([1.0, 2.0])
    print(data * 1.6)
    data = np.array([[1, 2], [3, 4], [5, 6]])
    print(data.max(), data.min(), data.sum())
    print(data[0, 1])
    print(data[1:3])
    print(data[0:2, 0])
    print(data.max(axis=0))
    print(data.max(axis=1))
    data = np.array([[1, 2], [3, 4]])
    ones = np.array([[1, 1], [1, 1]])
    print(data + ones)
    data = np.array([[1, 2], [3, 4], [5, 6]])
    ones_row = np.array([[1, 1]])
    print(data + ones_row)
    print(np.ones((4, 3, 2)))
    rng = np.random.default_rng(42)
    print(rng.random(3))
    print(rng.integers(5, size=(2, 4)))
    a = np.array([11, 11, 12, 13, 14, 15, 16, 17, 12, 13, 11, 14, 18, 19, 20])
    unique_values = np.unique(a)
    print(unique_values)
    unique_values, indices_list = np.unique(a, return_index=True)
    print(indices_list)
    unique_values, occurrence_count = np.unique(a, return_counts=True)
    print(occurrence_count)
    a_2d = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [1, 2, 3, 4]])
    print(np.unique(a_2d))
    unique_rows = np.unique(a_2d, axis=0)
    print(unique_rows)
    unique_rows, indices, occurrence_count = np.unique(
        a_2d, axis=0, return_counts=True, return_index=True
    )
    print(unique_rows)
    print(indices)
    print(occurrence_count)
    data = np.array([[1, 2], [3, 4], [5, 6]])
    print(data.reshape(2, 3))
    print(data.reshape(3, 2))
    arr = np.arange(6).reshape((2, 3))
    print(arr.transpose())
    print(arr.T)
    arr = np.array([1, 2, 3, 4, 5, 6, 7, 8])
    print(np.flip(arr))
    arr_2d = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    print(np.flip(arr_2d))
    print(np.flip(arr_2d, axis=0))
    print(np.flip(arr_2d, axis=1))
    arr_2d[1] = np.flip(arr_2d[1])
    print(arr_2d)
    arr_2d[:, 1] = np.flip(arr_2d[:, 1])
    print(arr_2d)
    x = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    print(x.flatten())
    a1 = x.flatten()
    a1[0] = 99
    print(x)
    print(a1)
    a2 = x.ravel()
    a2[0] = 98
    print(x)
    print(a2)
    predictions = np.array([1, 1, 1])
    labels = np.array([1, 2, 3])
    n = 3
    error = (1 / n) * np.sum(np.square(predictions - labels))
    print(error)
    return out


# numpy/numpy-tutorials content/tutorial-svd.md (random image)
def numpy_svd_tutorial(np):
    # numpy.org tutorial "Linear algebra on n-dimensional arrays" (image approximated by SVD)

    linalg = np.linalg
    rng = np.random.default_rng(0)
    img = (rng.random((12, 16, 3)) * 255).astype(np.uint8)
    print(type(img).__name__, img.shape, img.ndim, img.dtype)
    print(img[:, :, 0].shape)
    print(img[:, :, 0])
    img_array = img / 255
    print(img_array.max(), img_array.min(), img_array.dtype)
    red_array = img_array[:, :, 0]
    img_gray = img_array @ [0.2126, 0.7152, 0.0722]
    print(img_gray.shape)
    U, s, Vt = linalg.svd(img_gray)
    print(U.shape, s.shape, Vt.shape)
    Sigma = np.zeros((U.shape[1], Vt.shape[0]))
    np.fill_diagonal(Sigma, s)
    out = [s, img_gray, red_array.sum()]
    out.append(np.isclose(linalg.norm(img_gray - U @ Sigma @ Vt), 0))
    k = 4
    approx = U @ Sigma[:, :k] @ Vt[:k, :]
    out.append(approx.shape)
    out.append(linalg.norm(img_gray - approx) ** 2 - np.sum(s[k:] ** 2) < 1e-9)
    img_array_transposed = np.transpose(img_array, (2, 0, 1))
    print(img_array_transposed.shape)
    U, s, Vt = linalg.svd(img_array_transposed)
    print(U.shape, s.shape, Vt.shape)
    Sigma = np.zeros((3, 12, 16))
    for j in range(3):
        np.fill_diagonal(Sigma[j, :, :], s[j, :])
    reconstructed = U @ Sigma @ Vt
    print(reconstructed.shape)
    out.append(np.clip(reconstructed, 0, 1))
    approx_img = U @ Sigma[..., :k] @ Vt[..., :k, :]
    print(approx_img.shape)
    approx_img = np.transpose(approx_img, (1, 2, 0))
    out += [s, approx_img.shape, np.allclose(np.clip(reconstructed, 0, 1), img_array_transposed)]
    return out


# numpy/numpy-tutorials content/tutorial-deep-learning-on-mnist.md (random data, 3 epochs)
def numpy_mnist_tutorial(np):
    # numpy.org tutorial "Deep learning on MNIST from scratch" (small random data)
    seed = 884736743
    rng = np.random.default_rng(seed)
    x_train = rng.integers(0, 256, (20, 49)).astype(np.uint8)
    y_train = rng.integers(0, 10, 20)
    x_test = rng.integers(0, 256, (8, 49)).astype(np.uint8)
    y_test = rng.integers(0, 10, 8)
    print("The data type of training images: {}".format(x_train.dtype))
    training_sample, test_sample = 20, 8
    training_images = x_train[0:training_sample] / 255
    test_images = x_test[0:test_sample] / 255
    print("The data type of training images: {}".format(training_images.dtype))

    def one_hot_encoding(labels, dimension=10):
        one_hot_labels = labels[..., None] == np.arange(dimension)[None]
        return one_hot_labels.astype(np.float64)

    training_labels = one_hot_encoding(y_train[:training_sample])
    test_labels = one_hot_encoding(y_test[:test_sample])
    print(training_labels[0])
    print(y_train[0])

    def relu(x):
        return (x >= 0) * x

    def relu2deriv(output):
        return output >= 0

    learning_rate = 0.005
    epochs = 3
    hidden_size = 16
    pixels_per_image = 49
    num_labels = 10
    weights_1 = 0.2 * rng.random((pixels_per_image, hidden_size)) - 0.1
    weights_2 = 0.2 * rng.random((hidden_size, num_labels)) - 0.1
    store_training_loss, store_training_accurate_pred, store_test_loss, store_test_accurate_pred = (
        [],
        [],
        [],
        [],
    )
    for j in range(epochs):
        training_loss = 0.0
        training_accurate_predictions = 0
        for i in range(len(training_images)):
            layer_0 = training_images[i]
            layer_1 = np.dot(layer_0, weights_1)
            layer_1 = relu(layer_1)
            dropout_mask = rng.integers(low=0, high=2, size=layer_1.shape)
            layer_1 *= dropout_mask * 2
            layer_2 = np.dot(layer_1, weights_2)
            training_loss += np.sum((training_labels[i] - layer_2) ** 2)
            training_accurate_predictions += int(
                np.argmax(layer_2) == np.argmax(training_labels[i])
            )
            layer_2_delta = training_labels[i] - layer_2
            layer_1_delta = np.dot(weights_2, layer_2_delta) * relu2deriv(layer_1)
            layer_1_delta *= dropout_mask
            weights_1 += learning_rate * np.outer(layer_0, layer_1_delta)
            weights_2 += learning_rate * np.outer(layer_1, layer_2_delta)
        store_training_loss.append(training_loss)
        store_training_accurate_pred.append(training_accurate_predictions)
        results = relu(test_images @ weights_1) @ weights_2
        test_loss = np.sum((test_labels - results) ** 2)
        test_accurate_predictions = np.sum(
            np.argmax(results, axis=1) == np.argmax(test_labels, axis=1)
        )
        store_test_loss.append(test_loss)
        store_test_accurate_pred.append(test_accurate_predictions)
        print(
            "\n"
            + "Epoch: "
            + str(j)
            + " Training set error:"
            + str(training_loss / float(len(training_images)))[0:5]
            + " Training set accuracy:"
            + str(training_accurate_predictions / float(len(training_images)))
            + " Test set error:"
            + str(test_loss / float(len(test_images)))[0:5]
            + " Test set accuracy:"
            + str(test_accurate_predictions / float(len(test_images)))
        )
    epoch_range = np.arange(epochs) + 1
    training_metrics = {
        "accuracy": np.asarray(store_training_accurate_pred) / len(training_images),
        "error": np.asarray(store_training_loss) / len(training_images),
    }
    test_metrics = {
        "accuracy": np.asarray(store_test_accurate_pred) / len(test_images),
        "error": np.asarray(store_test_loss) / len(test_images),
    }
    return [
        weights_1,
        weights_2,
        training_metrics["accuracy"],
        training_metrics["error"],
        test_metrics["accuracy"],
        test_metrics["error"],
        epoch_range,
    ]


# notebook output idioms: f-strings of results, printoptions, savetxt/loadtxt/genfromtxt
def formatting(np):
    # notebook-style output formatting (PDSH, scipy-lectures printing idioms)
    x = np.array([1.23456, 2.5, 3.0])
    m = x.mean()
    i = np.argmax(x)
    s = x.sum()
    print(f"{m:.3f} {i:d} {s:8.2f} {m:e} {x[0]:.2%} {i:>4} {x.max():g}")
    print("%.2f %d %5.1f %s %r" % (m, i, s, m, float(m)))
    print("{:.4f}".format(x.std()), "{}".format(x.min()), "{0:.1f}".format(x[1]))
    print(round(m, 2), round(x[0], 1), int(i), float(s), complex(x[0]))
    print(
        str(x.dtype),
        repr(x.dtype),
        x.dtype.name,
        x.dtype.kind,
        x.dtype == np.float64,
        x.dtype == "float64",
    )
    with np.printoptions(precision=2, suppress=True):
        print(x)
        print(np.array([1e-10, 1.0, 1234.5678]))
    np.set_printoptions(precision=3)
    print(x / 7)
    print(np.linspace(0, 1, 4))
    np.set_printoptions(precision=8)
    print(np.array2string(x, precision=2, separator=", "))
    print(np.array_repr(np.arange(3)), np.array_str(np.eye(2)))
    print(
        np.format_float_positional(np.float32(0.1)), np.format_float_scientific(x[0], precision=2)
    )
    with np.printoptions(threshold=5, edgeitems=2):
        print(np.arange(100))
        print(np.arange(30).reshape(10, 3))
    print(np.arange(12).reshape(3, 4) * 1.5)
    print(
        np.array([True, False]),
        np.array([1 + 2j, 3.5 - 1j]),
        np.array([], dtype=float),
        np.zeros((2, 0)),
    )
    print(
        repr(np.array([0.1, 0.25])),
        repr(np.arange(3, dtype=np.int8)),
        repr(np.array([1.0], dtype=np.float32)),
    )
    print(np.array([np.nan, np.inf, -np.inf, 0.0]))
    print([float(v) for v in np.linspace(0, 1, 3)], np.arange(3).tolist(), x.tolist())
    import io

    buf = io.StringIO()
    np.savetxt(buf, np.arange(6).reshape(2, 3) / 3, fmt="%.3f", delimiter=",", header="a,b,c")
    print(buf.getvalue())
    buf = io.StringIO()
    np.savetxt(buf, np.arange(4).reshape(2, 2))
    print(buf.getvalue())
    data = np.loadtxt(io.StringIO("1,2,3\n4,5,6"), delimiter=",")
    print(data, data.dtype)
    data = np.genfromtxt(io.StringIO("a,b\n1,2\n3,nan\n5,"), delimiter=",", names=True)
    print(data, data.dtype)
    return [np.loadtxt(io.StringIO("1 2\n3 4"), dtype=int)]


PROGRAMS = [
    "advanced_strides",
    "advanced_dtypes",
    "rougier_mandelbrot",
    "rougier_fractal",
    "rougier_gray_scott",
    "rougier_find_index",
    "rougier_boids",
    "rougier_maze",
    "numpy_absolute_basics",
    "numpy_svd_tutorial",
    "numpy_mnist_tutorial",
    "formatting",
]
