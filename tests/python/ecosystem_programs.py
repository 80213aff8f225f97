"""Notebook programs that hand arrays to other libraries: matplotlib (Agg, drawn into a BytesIO),
SciPy, pandas and scikit-learn. Each is a function of the module it runs with (numpy or
arrax.numpy), for test_ecosystem_interop_like_numpy.py, and returns what the libraries drew or
computed (line data, image arrays, histogram counts, fitted parameters), for comparison with
the same program under NumPy. NEEDS names the library each needs beyond SciPy (the test skips
those not installed). Random inputs come from NumPy's legacy generator (np.random.seed), which
arrax.numpy.random reproduces draw for draw."""

import io

import numpy as onp


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(plt, fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return len(buf.getvalue()) > 0


# --- matplotlib ----------------------------------------------------------------------------


def mpl_lines(np):
    plt = _pyplot()
    x = np.linspace(0, 2 * np.pi, 50)
    fig, ax = plt.subplots()
    (l1,) = ax.plot(x, np.sin(x))
    (l2,) = ax.plot(x, np.cos(x), "r--")
    Y = np.stack([x, x**2, x**3], axis=1)
    lines = ax.plot(x, Y)  # (a 2-D y: one line per column)
    ax.set_xticks(np.linspace(0, 6, 4))
    ax.axvline(x[np.argmax(Y[:, 2])], color="k")
    ax.text(x[3], Y[3, 0], "label")
    ax.annotate("max", xy=(x[-1], Y[-1, 2]), xytext=(0.5, 0.5))
    ax.set_ylim(np.min(Y) - 0.1, np.max(Y) + 0.1)
    saved = _save(plt, fig)
    return l1.get_xydata(), l2.get_xydata(), [ln.get_xydata() for ln in lines], ax.get_ylim(), saved


def mpl_imshow(np):
    plt = _pyplot()
    x, y = np.meshgrid(np.linspace(-2, 2, 20), np.linspace(-1, 1, 10))
    z = np.exp(-(x**2 + y**2))
    fig, axs = plt.subplots(1, 3)
    im = axs[0].imshow(z, cmap="viridis")
    fig.colorbar(im)
    im8 = axs[1].imshow(np.arange(12, dtype=np.uint8).reshape(3, 4), interpolation="nearest")
    np.random.seed(0)
    rgb = axs[2].imshow(np.random.rand(4, 4, 3))
    _save(plt, fig)
    return im.get_array(), im.get_clim(), im8.get_array(), rgb.get_array()


def mpl_hist(np):
    plt = _pyplot()
    np.random.seed(0)
    data = np.random.randn(1000)
    fig, ax = plt.subplots()
    counts, edges, _ = ax.hist(data, bins=20)
    c2, e2, _ = ax.hist(data, bins=np.linspace(-3, 3, 13), density=True, alpha=0.5)
    # a 2-D array: one histogram per column (NumPy's arrays are read by column)
    c3, e3, _ = ax.hist(data.reshape(250, 4), bins=5)
    _save(plt, fig)
    return counts, edges, c2, e2, c3, e3


def mpl_box_violin(np):
    plt = _pyplot()
    np.random.seed(5)
    data = np.random.randn(200, 3) * np.array([1.0, 2.0, 0.5])
    fig, ax = plt.subplots()
    bp = ax.boxplot(data)  # one box per column
    vp = ax.violinplot(data, showmedians=True)
    bp2 = ax.boxplot([data[:, 0], data[:50, 1]])
    _save(plt, fig)
    return (
        [m.get_ydata() for m in bp["medians"]],
        [w.get_ydata() for w in bp["whiskers"]],
        onp.asarray(vp["cmedians"].get_segments()),
        len(vp["bodies"]),
        [m.get_ydata() for m in bp2["medians"]],
    )


def mpl_scatter(np):
    plt = _pyplot()
    np.random.seed(1)
    x = np.random.rand(50)
    y = np.random.rand(50)
    c = np.sqrt(x**2 + y**2)
    fig, ax = plt.subplots()
    sc = ax.scatter(x, y, c=c, s=100 * x, cmap="plasma")
    fig.colorbar(sc)
    _save(plt, fig)
    return sc.get_offsets(), sc.get_array(), sc.get_sizes()


def mpl_contourf(np):
    plt = _pyplot()
    x = np.linspace(-3, 3, 40)
    y = np.linspace(-2, 2, 30)
    X, Y = np.meshgrid(x, y)
    Z = np.sin(X) * np.cos(Y)
    fig, ax = plt.subplots()
    cs = ax.contourf(X, Y, Z, levels=10)
    ax.contour(X, Y, Z, levels=[0.0], colors="k")
    _save(plt, fig)
    return cs.levels, cs.get_array()


def mpl_fill_errorbar_bar(np):
    plt = _pyplot()
    x = np.arange(10.0)
    y = x**0.5
    err = 0.1 * np.ones_like(x)
    fig, ax = plt.subplots()
    poly = ax.fill_between(x, y - err, y + err, alpha=0.3)
    eb = ax.errorbar(x, y, yerr=err, fmt="o")
    bars = ax.bar(x, y, width=0.5)
    ax.axhline(np.mean(y))
    ax.set_xlim(x.min(), x.max())
    _save(plt, fig)
    return (
        poly.get_paths()[0].vertices,
        eb.lines[0].get_xydata(),
        [b.get_height() for b in bars],
        ax.get_xlim(),
    )


def mpl_mesh_quiver_tri(np):
    plt = _pyplot()
    x, y = np.meshgrid(np.arange(5.0), np.arange(4.0))
    u, v = np.cos(x), np.sin(y)
    fig, axs = plt.subplots(1, 3)
    q = axs[0].quiver(x, y, u, v)
    pm = axs[1].pcolormesh(x, y, u * v, shading="auto")
    np.random.seed(7)
    tx, ty = np.random.rand(30), np.random.rand(30)
    tc = axs[2].tricontourf(tx, ty, np.sin(3 * tx) * ty, levels=5)
    _save(plt, fig)
    return q.U, q.V, pm.get_array(), tc.levels


def mpl_hist2d_hexbin_pie_stem(np):
    plt = _pyplot()
    np.random.seed(6)
    x = np.random.randn(500)
    y = 0.5 * x + np.random.randn(500)
    fig, axs = plt.subplots(2, 2)
    h, xe, ye, _ = axs[0, 0].hist2d(x, y, bins=10)
    hb = axs[0, 1].hexbin(x, y, gridsize=8)
    wedges, _ = axs[1, 0].pie(np.array([1.0, 2.0, 3.0]))
    st = axs[1, 1].stem(np.arange(5), np.arange(5.0) ** 2)
    axs[1, 1].stackplot(np.arange(5), np.ones((2, 5)) * np.array([[1.0], [2.0]]))
    _save(plt, fig)
    return h, xe, ye, hb.get_array(), [w.theta2 for w in wedges], st.markerline.get_xydata()


def mpl_3d_log_step(np):
    plt = _pyplot()
    t = np.linspace(0, 10, 100)
    fig = plt.figure()
    ax = fig.add_subplot(1, 2, 1, projection="3d")
    (line,) = ax.plot(np.cos(t), np.sin(t), t)
    ax2 = fig.add_subplot(1, 2, 2)
    (semi,) = ax2.semilogy(t + 1, np.exp(t / 3))
    (step,) = ax2.step(t, np.floor(t))
    _save(plt, fig)
    return onp.asarray(line.get_data_3d()), semi.get_xydata(), step.get_xydata()


# --- SciPy ---------------------------------------------------------------------------------


def scipy_minimize(np):
    from scipy import optimize

    def rosen(p):
        return np.sum(100.0 * (p[1:] - p[:-1] ** 2) ** 2 + (1 - p[:-1]) ** 2)

    def rosen_der(p):
        g = np.zeros_like(p)
        g[:-1] = -400 * p[:-1] * (p[1:] - p[:-1] ** 2) - 2 * (1 - p[:-1])
        g[1:] += 200 * (p[1:] - p[:-1] ** 2)
        return g

    x0 = np.array([1.3, 0.7, 0.8, 1.9, 1.2])
    r1 = optimize.minimize(rosen, x0, method="Nelder-Mead", options={"maxiter": 400})
    r2 = optimize.minimize(rosen, x0, jac=rosen_der, method="BFGS")
    r3 = optimize.minimize(rosen, x0, method="L-BFGS-B", bounds=[(0, 2)] * 5)
    r4 = optimize.minimize(rosen, x0, jac=rosen_der, method="Newton-CG")
    return r1.x, r1.fun, r2.x, r2.nit, r3.x, r4.x


def scipy_fit_and_roots(np):
    from scipy import optimize

    def model(x, a, b, c):
        return a * np.exp(-b * x) + c

    np.random.seed(0)
    x = np.linspace(0, 4, 50)
    y = model(x, 2.5, 1.3, 0.5) + 0.05 * np.random.randn(50)
    popt, pcov = optimize.curve_fit(model, x, y, p0=[1, 1, 1])
    root = optimize.brentq(lambda t: np.cos(t) - t, 0, 1)

    def system(v):
        return np.array([v[0] + 0.5 * (v[0] - v[1]) ** 3 - 1.0, 0.5 * (v[1] - v[0]) ** 3 + v[1]])

    sol = optimize.root(system, np.array([0.0, 0.0]))
    ls = optimize.least_squares(lambda p: model(x, *p) - y, np.array([1.0, 1.0, 1.0]))
    return popt, pcov, root, sol.x, ls.x


def scipy_integrate(np):
    from scipy import integrate

    val, _ = integrate.quad(lambda t: np.exp(-(t**2)), -np.inf, np.inf)

    def lotka(t, z, a, b, c, d):
        x, y = z
        return [a * x - b * x * y, -c * y + d * x * y]

    sol = integrate.solve_ivp(
        lotka, [0, 15], np.array([10.0, 5.0]), args=(1.5, 1, 3, 1), dense_output=True, rtol=1e-8
    )
    z = sol.sol(np.linspace(0, 15, 30))
    x = np.linspace(0, 1, 101)
    tr = integrate.trapezoid(x**2, x)
    si = integrate.simpson(np.sin(x), x=x)
    ode = integrate.odeint(lambda y, t: -2 * y, 1.0, np.linspace(0, 1, 5))
    dbl = integrate.dblquad(lambda y, x: x * y, 0, 1, 0, 1)
    return val, z, tr, si, ode, dbl[0], sol.t.shape


def scipy_interpolate(np):
    from scipy import interpolate

    x = np.linspace(0, 10, 11)
    y = np.sin(x)
    xn = np.linspace(0, 10, 41)
    f = interpolate.interp1d(x, y)
    f2 = interpolate.interp1d(x, y, kind="cubic")
    cs = interpolate.CubicSpline(x, y)
    pch = interpolate.PchipInterpolator(x, y)
    sp = interpolate.UnivariateSpline(x, y, s=0.5)
    rg = interpolate.RegularGridInterpolator((x, x), np.outer(y, y))
    pts = np.array([[1.5, 2.5], [3.3, 4.4]])
    return f(xn), f2(xn), cs(xn), cs(xn, 1), pch(xn), sp(xn), rg(pts), f(3.5)


def scipy_signal(np):
    from scipy import signal

    np.random.seed(0)
    t = np.linspace(0, 1, 500)
    x = np.sin(2 * np.pi * 5 * t) + 0.5 * np.random.randn(500)
    b, a = signal.butter(4, 0.1)
    y = signal.filtfilt(b, a, x)
    y2 = signal.lfilter(b, a, x)
    c = signal.convolve(x, np.ones(5) / 5, mode="same")
    f, p = signal.welch(x, fs=500, nperseg=128)
    peaks, _ = signal.find_peaks(y, height=0.5)
    y3 = signal.sosfiltfilt(signal.butter(4, 0.1, output="sos"), x)
    return b, a, y, y2, c, f, p, peaks, y3, signal.get_window("hann", 16), signal.medfilt(x, 5)


def scipy_sparse(np):
    from scipy import sparse
    from scipy.sparse.linalg import cg, spsolve

    A = np.array([[4.0, 0, 0, 1], [0, 3.0, 0, 0], [0, 0, 2.0, 0], [1, 0, 0, 5.0]])
    S = sparse.csr_matrix(A)
    v = np.arange(4.0)
    x = spsolve(S.tocsc(), v)
    x2, _ = cg(S, v, atol=1e-10)
    coo = sparse.coo_matrix(
        (np.array([1.0, 2.0]), (np.array([0, 1]), np.array([1, 0]))), shape=(2, 2)
    )
    D = sparse.diags([np.array([1.0, 2.0, 3.0])], [0])
    return (
        S @ v,
        S.dot(v),
        S @ np.ones((4, 2)),
        v @ S,
        x,
        x2,
        sparse.csr_array(A) @ v,
        coo.toarray(),
        D.toarray(),
        S.nnz,
    )


def scipy_linalg_stats(np):
    from scipy import linalg, stats

    np.random.seed(3)
    A = np.random.rand(4, 4) + 4 * np.eye(4)
    b = np.random.rand(4)
    lu, piv = linalg.lu_factor(A)
    Q, R = linalg.qr(A)
    c = linalg.cho_factor(A @ A.T)
    xs = np.linspace(-3, 3, 13)
    d = np.random.randn(200)
    m, s = stats.norm.fit(d)
    t = stats.ttest_1samp(d, 0.0)
    kde = stats.gaussian_kde(d)
    return (
        linalg.solve(A, b),
        linalg.lu_solve((lu, piv), b),
        linalg.eigvalsh(A + A.T),
        linalg.expm(0.1 * A),
        Q @ R,
        linalg.cho_solve(c, b),
        stats.norm.pdf(xs),
        stats.norm.cdf(xs, loc=1, scale=2),
        m,
        s,
        t.statistic,
        t.pvalue,
        stats.pearsonr(d[:100], d[100:])[0],
        kde(xs),
        stats.zscore(d),
    )


def scipy_spatial_ndimage(np):
    from scipy import ndimage
    from scipy.spatial import ConvexHull, cKDTree, distance

    np.random.seed(0)
    X = np.random.rand(6, 3)
    Y = np.random.rand(4, 3)
    dd, ii = cKDTree(X).query(Y, k=2)
    hull = ConvexHull(np.random.rand(20, 2))
    img = np.zeros((20, 20))
    img[5:15, 5:15] = 1.0
    g = ndimage.gaussian_filter(img, sigma=2)
    lab, n = ndimage.label(img > 0.5)
    return (
        distance.cdist(X, Y),
        distance.cdist(X, Y, "cityblock"),
        distance.squareform(distance.pdist(X)),
        dd,
        ii,
        hull.volume,
        g,
        lab,
        n,
        ndimage.center_of_mass(img),
        ndimage.rotate(img, 30, reshape=False, order=1),
        ndimage.zoom(img, 0.5, order=1),
        ndimage.sobel(g),
    )


def scipy_fft_special(np):
    from scipy import fft, special

    x = np.sin(np.linspace(0, 8 * np.pi, 64))
    X = fft.rfft(x)
    return (
        X,
        fft.irfft(X),
        special.gamma(np.arange(1.0, 6.0)),
        special.erf(np.linspace(-2, 2, 9)),
        special.expit(np.linspace(-3, 3, 7)),
        special.logsumexp(np.arange(5.0)),
        special.softmax(np.arange(4.0)),
    )


# --- pandas --------------------------------------------------------------------------------


def pandas_frames(np):
    import pandas as pd

    np.random.seed(0)
    df = pd.DataFrame(np.random.randn(6, 3), columns=["a", "b", "c"])
    df["d"] = np.arange(6)
    df["e"] = df["a"] * 2 + np.ones(6)
    s = pd.Series(np.linspace(0, 1, 5), name="s")
    back = np.asarray(df)
    typed = pd.DataFrame(
        {"i": np.arange(3, dtype=np.int32), "f": np.ones(3, np.float32), "b": np.ones(3) > 0}
    )
    return (
        [str(t) for t in df.dtypes],
        df.to_numpy(),
        s.to_numpy(),
        str(s.dtype),
        back,
        np.array(df.values),
        np.mean(df.values, axis=0),
        [str(t) for t in typed.dtypes],
        np.asarray(typed["i"]),
    )


def pandas_arithmetic_and_ufuncs(np):
    import pandas as pd

    s = pd.Series([1.0, 4.0, 9.0, 16.0], index=list("wxyz"))
    a = np.array([1.0, 2.0, 3.0, 4.0])
    df = pd.DataFrame({"x": [1.0, 4.0], "y": [9.0, 16.0]})
    results = [s + a, a + s, a * s, s > a, np.sqrt(s), np.log(df), df.apply(np.sqrt)]
    results += [np.maximum(s, 3.0), np.add(s, s), s.where(np.asarray(s) > 2)]
    return [(type(r).__name__, r.to_numpy(), list(r.index)) for r in results]


def pandas_labels_and_dates(np):
    import pandas as pd

    s = pd.Series(["b", "a", "b", "c"])
    df = pd.DataFrame({"name": ["x", "y"], "n": [1, 2]})
    dates = pd.Series(pd.date_range("2020-01-01", periods=3))
    return (
        np.unique(s),
        np.asarray(s),
        np.sort(s),
        np.where(s == "b", 1, 0),
        np.asarray(df),
        np.asarray(dates),
        np.concatenate([s, s]),
    )


def pandas_groupby_describe(np):
    import pandas as pd

    np.random.seed(4)
    df = pd.DataFrame(np.random.randn(50, 3), columns=list("abc"))
    df["g"] = np.arange(50) % 3
    agg = df.groupby("g")["a"].agg("mean")
    cut = pd.cut(np.linspace(0, 1, 6), bins=np.array([0, 0.5, 1.0]), include_lowest=True)
    out = df[["a", "b", "c"]]
    return (
        agg.to_numpy(),
        cut.codes,
        out.describe().to_numpy(),
        out.corr().to_numpy(),
        np.corrcoef(out.values.T),
        out.cumsum().to_numpy(),
        out.quantile([0.1, 0.9]).to_numpy(),
        np.unique(df["g"]),
    )


# --- scikit-learn --------------------------------------------------------------------------


def sklearn_regression(np):
    from sklearn import metrics
    from sklearn.linear_model import LinearRegression, Ridge
    from sklearn.preprocessing import MinMaxScaler, PolynomialFeatures, StandardScaler

    np.random.seed(0)
    X = np.random.randn(100, 3) * np.array([1.0, 10.0, 100.0]) + 5
    y = X @ np.array([1.5, -0.2, 0.01]) + 0.1 * np.random.randn(100)
    Xs = StandardScaler().fit_transform(X)
    lr = LinearRegression().fit(X, y)
    pred = lr.predict(X)
    return (
        Xs,
        MinMaxScaler().fit_transform(X),
        lr.coef_,
        lr.intercept_,
        pred,
        metrics.r2_score(y, pred),
        metrics.mean_squared_error(y, pred),
        Ridge(alpha=1.0).fit(Xs, y).coef_,
        PolynomialFeatures(2).fit_transform(X[:5]),
    )


def sklearn_classification(np):
    from sklearn import metrics
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold, cross_val_score, train_test_split
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    np.random.seed(1)
    X = np.random.randn(120, 2)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
    clf = LogisticRegression().fit(Xtr, ytr)
    p = clf.predict(Xte)
    pr = clf.predict_proba(Xte)
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    return (
        Xtr,
        ytr,
        p,
        pr,
        metrics.accuracy_score(yte, p),
        metrics.confusion_matrix(yte, p),
        KNeighborsClassifier(3).fit(Xtr, ytr).predict(Xte),
        DecisionTreeClassifier(random_state=0, max_depth=3).fit(Xtr, ytr).predict(Xte),
        cross_val_score(pipe, X, y, cv=KFold(4)),
        metrics.f1_score(yte, p),
        metrics.roc_auc_score(yte, pr[:, 1]),
    )


def sklearn_cluster_pca(np):
    from sklearn import metrics
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import OneHotEncoder

    np.random.seed(2)
    X = np.concatenate([np.random.randn(30, 2) + np.array([5.0, 5.0]), np.random.randn(30, 2)])
    km = KMeans(n_clusters=2, n_init=3, random_state=0).fit(X)
    centers = km.cluster_centers_[np.argsort(km.cluster_centers_[:, 0])]
    pca = PCA(n_components=2).fit(X)
    return (
        centers,
        metrics.silhouette_score(X, km.labels_),
        pca.explained_variance_ratio_,
        np.abs(pca.transform(X)),
        OneHotEncoder().fit_transform(np.array([[0], [1], [2], [1]])).toarray(),
        metrics.pairwise_distances(X[:3], X[3:6]),
    )


# --- NumPy's own functions and arrays mixed with the module's ------------------------------


def numpy_mixed_in(np):
    a = np.arange(4.0)
    o = onp.arange(4.0)
    z = onp.zeros(4)
    z += a  # (in place into NumPy's array)
    w = onp.zeros((2, 4))
    w[0] += a
    w[1, 1:3] = a[:2]
    at = onp.zeros(4)
    onp.add.at(at, np.array([0, 0, 1]), np.ones(3))
    mx = onp.zeros(4, dtype=onp.int64)
    onp.maximum.at(mx, onp.array([0, 1]), np.array([5, 7]))
    onp.testing.assert_allclose(a, o)
    return (
        onp.float64(2) * a,
        a + o,
        o + a,
        onp.ones(4, onp.float32) + a,
        onp.float32(2) * np.ones(2, np.float32),
        o @ a,
        onp.sin(a),
        onp.add.outer(a, a),
        onp.concatenate([a, o]),
        onp.linalg.norm(a),
        z,
        w,
        at,
        mx,
        onp.asarray(a),
        np.asarray(o),
        float(a[1]),
    )


PROGRAMS = [
    mpl_lines,
    mpl_imshow,
    mpl_hist,
    mpl_box_violin,
    mpl_scatter,
    mpl_contourf,
    mpl_fill_errorbar_bar,
    mpl_mesh_quiver_tri,
    mpl_hist2d_hexbin_pie_stem,
    mpl_3d_log_step,
    scipy_minimize,
    scipy_fit_and_roots,
    scipy_integrate,
    scipy_interpolate,
    scipy_signal,
    scipy_sparse,
    scipy_linalg_stats,
    scipy_spatial_ndimage,
    scipy_fft_special,
    pandas_frames,
    pandas_arithmetic_and_ufuncs,
    pandas_labels_and_dates,
    pandas_groupby_describe,
    sklearn_regression,
    sklearn_classification,
    sklearn_cluster_pca,
    numpy_mixed_in,
]

# The library each program needs beyond NumPy and SciPy.
NEEDS = {p.__name__: "matplotlib" for p in PROGRAMS if p.__name__.startswith("mpl_")}
NEEDS.update({p.__name__: "pandas" for p in PROGRAMS if p.__name__.startswith("pandas_")})
NEEDS.update({p.__name__: "sklearn" for p in PROGRAMS if p.__name__.startswith("sklearn_")})
