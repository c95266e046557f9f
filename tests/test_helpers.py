"""Tests for the helper functions given complete in solutions/neural_network.py.

Each helper is checked against an independent computation (hand-worked values,
plain NumPy formulas, or finite differences), never against itself.
"""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "nn_solution", REPO / "solutions" / "neural_network.py"
)
nn = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nn)


# ---------------------------------------------------------------- normalize


def test_normalize_mean_zero_std_one_and_input_untouched():
    X = np.array([[1.0, 10.0, 5.0], [2.0, 20.0, 5.0], [3.0, 60.0, 5.0], [6.0, 30.0, 5.0]])
    X_before = X.copy()
    out = nn.normalize(X)

    assert out.shape == X.shape
    np.testing.assert_array_equal(X, X_before)  # input not modified
    np.testing.assert_allclose(out[:, :2].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out[:, :2].std(axis=0), 1.0, rtol=1e-12)
    # hand-worked first column: mean 3, population std sqrt(14/4)
    np.testing.assert_allclose(out[:, 0], (np.array([1, 2, 3, 6]) - 3) / math.sqrt(3.5), rtol=1e-12)


def test_normalize_constant_column_only_centred():
    X = np.array([[4.0, 1.0], [4.0, 3.0]])
    out = nn.normalize(X)
    assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(out[:, 0], [0.0, 0.0])
    np.testing.assert_allclose(out[:, 1], [-1.0, 1.0], rtol=1e-12)


# ----------------------------------------------------- matmul / activations


def test_matrix_multiply_hand_values():
    X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    W = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    expected = np.array([[5.0, 2.0, -1.0], [11.0, 4.0, -3.0], [17.0, 6.0, -5.0]])
    np.testing.assert_allclose(nn.matrix_multiply(X, W), expected, rtol=0, atol=0)


def test_relu_hand_values():
    Z = np.array([[-2.0, -0.5, 0.0], [0.5, 3.0, -1e-9]])
    np.testing.assert_array_equal(nn.relu(Z), [[0.0, 0.0, 0.0], [0.5, 3.0, 0.0]])


def test_sigmoid_hand_values():
    Z = np.array([0.0, math.log(3.0), -math.log(3.0)])
    np.testing.assert_allclose(nn.sigmoid(Z), [0.5, 0.75, 0.25], rtol=1e-12)
    assert nn.sigmoid(np.zeros((2, 3))).shape == (2, 3)


def test_softmax_matches_direct_formula_and_rows_sum_to_one():
    Z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 0.5, 2.0]])
    expected = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    P = nn.softmax(Z)
    assert P.shape == Z.shape
    np.testing.assert_allclose(P, expected, rtol=1e-12)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(P[1], [1 / 3, 1 / 3, 1 / 3], rtol=1e-12)


def test_softmax_is_row_wise_and_stable_for_large_logits():
    Z = np.array([[1000.0, 1000.0], [1000.0, 0.0], [-1000.0, -999.0]])
    # overflow (exp(1000)) or nan (inf/inf) would raise; underflow to 0 is fine
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        P = nn.softmax(Z)
    assert np.all(np.isfinite(P))
    np.testing.assert_allclose(P[0], [0.5, 0.5], rtol=1e-12)
    np.testing.assert_allclose(P[1], [1.0, 0.0], atol=1e-300)
    e = math.exp(1.0)
    np.testing.assert_allclose(P[2], [1 / (1 + e), e / (1 + e)], rtol=1e-12)


# ------------------------------------------------------------------- losses


def test_mse_loss_hand_value_and_type():
    y_pred = np.array([[1.0], [2.0], [4.0]])
    y = np.array([[1.0], [0.0], [1.0]])
    loss = nn.mse_loss(y_pred, y)
    assert type(loss) is float
    assert loss == pytest.approx((0 + 4 + 9) / 3, rel=1e-12)


def test_binary_cross_entropy_hand_value_and_type():
    A = np.array([[0.9], [0.2]])
    y = np.array([[1.0], [0.0]])
    loss = nn.binary_cross_entropy(A, y)
    assert type(loss) is float
    assert loss == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2, rel=1e-9)


def test_binary_cross_entropy_finite_at_extremes():
    loss = nn.binary_cross_entropy(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert math.isfinite(loss)
    assert loss == pytest.approx(-math.log(1e-15), rel=1e-6)


def test_cross_entropy_hand_value_and_type():
    A = np.array([[0.7, 0.2, 0.1], [0.25, 0.25, 0.5]])
    y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    loss = nn.cross_entropy(A, y)
    assert type(loss) is float
    assert loss == pytest.approx(-(math.log(0.7) + math.log(0.5)) / 2, rel=1e-9)


# ------------------------------------------------------------- forward passes


def test_forward_perceptron_hand_value():
    X = np.array([[1.0, 2.0], [0.0, 0.0]])
    W = np.array([[0.5], [-0.25]])
    b = np.array([[math.log(3.0)]])
    A = nn.forward_perceptron(X, W, b)
    assert A.shape == (2, 1)
    # row 0: z = 0.5 - 0.5 + log 3 -> 0.75; row 1: z = log 3 -> 0.75
    np.testing.assert_allclose(A, [[0.75], [0.75]], rtol=1e-12)


def _mlp_setup(rng, dims):
    """Random float64 weights/biases for layer sizes dims = (D, H1, ..., C)."""
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
        params[f"W{i}"] = rng.normal(0.0, 0.7, size=(fan_in, fan_out))
        params[f"b{i}"] = rng.normal(0.0, 0.1, size=(1, fan_out))
    return params


def test_forward_mlp_shapes_and_values():
    rng = np.random.default_rng(0)
    N, D, H, C = 4, 3, 5, 2
    X = rng.normal(size=(N, D))
    p = _mlp_setup(rng, (D, H, C))
    A1, A2 = nn.forward_mlp(X, p["W1"], p["b1"], p["W2"], p["b2"])
    assert A1.shape == (N, H) and A2.shape == (N, C)
    Z1 = X @ p["W1"] + p["b1"]
    np.testing.assert_allclose(A1, np.where(Z1 > 0, Z1, 0.0), rtol=1e-12)
    Z2 = A1 @ p["W2"] + p["b2"]
    np.testing.assert_allclose(A2, np.exp(Z2) / np.exp(Z2).sum(axis=1, keepdims=True), rtol=1e-12)


# ------------------------------------------------- gradients vs finite diffs


def _one_hot(labels, C):
    return np.eye(C)[labels]


def test_numerical_gradient_quadratic_and_restores_params():
    # L(w) = mean((X @ w - y)^2) has the closed-form gradient 2 X^T (Xw - y) / N.
    rng = np.random.default_rng(1)
    X = rng.normal(size=(6, 3))
    y = rng.normal(size=(6, 1))
    params = {"W": rng.normal(size=(3, 1))}
    W_before = params["W"].copy()

    grads = nn.numerical_gradient(X, y, params, nn.mse_loss, lambda X_, p: X_ @ p["W"], h=1e-5)

    np.testing.assert_array_equal(params["W"], W_before)
    expected = 2 * X.T @ (X @ W_before - y) / X.shape[0]
    assert grads["W"].shape == (3, 1)
    np.testing.assert_allclose(grads["W"], expected, rtol=1e-6, atol=1e-8)


def test_backward_mlp_matches_numerical_gradient():
    rng = np.random.default_rng(42)
    N, D, H, C = 5, 4, 6, 3
    X = rng.normal(size=(N, D))
    y = _one_hot(rng.integers(0, C, size=N), C)
    p = _mlp_setup(rng, (D, H, C))

    Z1 = X @ p["W1"] + p["b1"]
    assert np.min(np.abs(Z1)) > 1e-4  # stay away from ReLU kinks (steps move Z by ~1e-5)
    A1, A2 = nn.forward_mlp(X, p["W1"], p["b1"], p["W2"], p["b2"])
    grads = nn.backward_mlp(X, A1, A2, y, p["W1"], p["W2"], Z1)

    def forward(X_, q):
        return nn.forward_mlp(X_, q["W1"], q["b1"], q["W2"], q["b2"])[1]

    num = nn.numerical_gradient(X, y, p, nn.cross_entropy, forward, h=1e-5)
    for name, g in zip(["W1", "b1", "W2", "b2"], grads):
        assert g.shape == p[name].shape, name
        np.testing.assert_allclose(g, num[name], rtol=1e-5, atol=1e-7, err_msg=name)


def test_backward_mlp_3layer_matches_numerical_gradient():
    rng = np.random.default_rng(7)
    N, D, H1, H2, C = 5, 3, 5, 4, 3
    X = rng.normal(size=(N, D))
    y = _one_hot(rng.integers(0, C, size=N), C)
    p = _mlp_setup(rng, (D, H1, H2, C))

    Z1 = X @ p["W1"] + p["b1"]
    A1 = np.maximum(Z1, 0.0)
    Z2 = A1 @ p["W2"] + p["b2"]
    assert min(np.min(np.abs(Z1)), np.min(np.abs(Z2))) > 1e-4  # away from ReLU kinks
    A1, A2, A3 = nn.forward_mlp_3layer(X, p["W1"], p["b1"], p["W2"], p["b2"], p["W3"], p["b3"])
    assert A1.shape == (N, H1) and A2.shape == (N, H2) and A3.shape == (N, C)
    grads = nn.backward_mlp_3layer(X, A1, A2, A3, y, p["W1"], p["W2"], p["W3"], Z1, Z2)

    def forward(X_, q):
        return nn.forward_mlp_3layer(X_, q["W1"], q["b1"], q["W2"], q["b2"], q["W3"], q["b3"])[2]

    num = nn.numerical_gradient(X, y, p, nn.cross_entropy, forward, h=1e-5)
    for name, g in zip(["W1", "b1", "W2", "b2", "W3", "b3"], grads):
        assert g.shape == p[name].shape, name
        np.testing.assert_allclose(g, num[name], rtol=1e-5, atol=1e-7, err_msg=name)


# --------------------------------------------------------- gradient descent


def test_gradient_descent_reduces_mse_on_linear_problem(capsys):
    np.random.seed(0)  # drives the per-epoch np.random.permutation
    rng = np.random.default_rng(3)
    N, D = 40, 2
    X = rng.normal(size=(N, D))
    true_W = np.array([[2.0], [-1.0]])
    y = X @ true_W + 0.5
    W0 = np.zeros((D, 1))
    b0 = np.zeros((1, 1))
    initial_loss = float(np.mean((X @ W0 + b0 - y) ** 2))

    num_epochs = 30
    W, b, history = nn.gradient_descent(
        X, y, W0, b0, lr=0.1, num_epochs=num_epochs, batch_size=8, loss_fn=nn.mse_loss
    )

    assert W.shape == (D, 1) and b.shape == (1, 1)
    np.testing.assert_array_equal(W0, np.zeros((D, 1)))  # initial arrays not mutated
    assert len(history) == num_epochs
    assert all(isinstance(v, float) for v in history)
    assert history[-1] < 1e-3 * initial_loss
    assert history[-1] < history[0]
    np.testing.assert_allclose(W, true_W, atol=1e-2)
    np.testing.assert_allclose(b, [[0.5]], atol=1e-2)
    # the reported last loss is the full-data MSE of the returned parameters
    assert history[-1] == pytest.approx(float(np.mean((X @ W + b - y) ** 2)), rel=1e-12)

    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == num_epochs
    assert lines[0] == f"Epoch 1/{num_epochs}, Loss: {history[0]:.4f}"
    assert lines[-1] == f"Epoch {num_epochs}/{num_epochs}, Loss: {history[-1]:.4f}"


def test_gradient_descent_uses_np_random_permutation(monkeypatch):
    calls = []
    real_permutation = np.random.permutation

    def spy(n):
        calls.append(n)
        return real_permutation(n)

    monkeypatch.setattr(np.random, "permutation", spy)
    X = np.arange(6.0).reshape(3, 2)
    y = np.ones((3, 1))
    nn.gradient_descent(
        X,
        y,
        np.zeros((2, 1)),
        np.zeros((1,)),
        lr=0.01,
        num_epochs=3,
        batch_size=2,
        loss_fn=nn.mse_loss,
    )
    assert calls == [3, 3, 3]
