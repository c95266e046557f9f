"""The learner's library `neural_network.py` as it stands at the end of Parts 4.2/4.3.

Everything up to the MLP helpers is provided complete (built in earlier parts);
conv2d and max_pool at the bottom are the exercises of these two parts.
"""
import numpy as np
from numpy.typing import NDArray
from typing import Callable, Dict, List, Tuple


def normalize(X: NDArray[np.floating]) -> NDArray[np.floating]:
    """
    Standardize each column (feature) of X to zero mean and unit variance.

    X_norm = (X - mean) / std, computed per column. Columns whose std is 0
    are only mean-centred (left at 0) instead of being divided by zero.
    The input array is not modified; a new array is returned.

    Inputs:
    - X: Array of shape (N, D)

    Returns:
    - X_norm: Array of shape (N, D)
    """
    mu = X.mean(axis=0)
    sigma = X.std(axis=0)
    centred = X - mu  # new array, so X itself stays untouched
    safe_sigma = np.where(sigma == 0, 1, sigma)
    return centred / safe_sigma


def matrix_multiply(X: NDArray[np.floating], W: NDArray[np.floating]) -> NDArray[np.floating]:
    """
    Matrix product of X and W: out = X @ W.

    Inputs:
    - X: Array of shape (N, D)
    - W: Array of shape (D, M)

    Returns:
    - out: Array of shape (N, M)
    """
    return np.matmul(X, W)


def sigmoid(Z: NDArray[np.floating]) -> NDArray[np.floating]:
    """
    Elementwise logistic function: s(z) = 1 / (1 + exp(-z)).

    Inputs:
    - Z: Array of any shape

    Returns:
    - A: Array of the same shape as Z, values in (0, 1)
    """
    return 1.0 / (1.0 + np.exp(-Z))


def relu(Z: NDArray[np.floating]) -> NDArray[np.floating]:
    """
    Elementwise rectified linear unit: relu(z) = max(0, z).

    Inputs:
    - Z: Array of any shape

    Returns:
    - A: Array of the same shape as Z
    """
    return np.maximum(0, Z)


def softmax(Z: NDArray[np.floating]) -> NDArray[np.floating]:
    """
    Row-wise softmax: p_ij = exp(z_ij) / sum_k exp(z_ik).

    The row maximum is subtracted before exponentiating, which leaves the
    result unchanged but keeps exp() from overflowing on large logits.

    Inputs:
    - Z: Logits of shape (N, C)

    Returns:
    - P: Probabilities of shape (N, C); every row sums to 1
    """
    shifted = Z - Z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def mse_loss(y_pred: NDArray[np.floating], y: NDArray[np.floating]) -> float:
    """
    Mean squared error: L = mean((y_pred - y)^2).

    Inputs:
    - y_pred: Predictions of shape (N,) or (N, 1)
    - y: Targets with the same shape as y_pred

    Returns:
    - loss: Python float
    """
    diff = y_pred - y
    return float(np.mean(diff * diff))


def binary_cross_entropy(A: NDArray[np.floating], y: NDArray[np.floating]) -> float:
    """
    Binary cross-entropy: L = -mean(y * log(A) + (1 - y) * log(1 - A)).

    A small epsilon (1e-15) is added inside each log so that probabilities
    of exactly 0 or 1 do not produce infinities.

    Inputs:
    - A: Predicted probabilities (sigmoid outputs), shape (N,) or (N, 1)
    - y: Labels in {0, 1}, same shape as A

    Returns:
    - loss: Python float
    """
    eps = 1e-15
    log_likelihood = y * np.log(A + eps) + (1 - y) * np.log(1 - A + eps)
    return float(-np.mean(log_likelihood))


def cross_entropy(A: NDArray[np.floating], y: NDArray[np.floating]) -> float:
    """
    Categorical cross-entropy averaged over samples:
    L = -(1/N) * sum_i sum_c y_ic * log(A_ic).

    A small epsilon (1e-15) is added inside the log to avoid log(0).

    Inputs:
    - A: Predicted probabilities (softmax outputs), shape (N, C)
    - y: One-hot labels, shape (N, C)

    Returns:
    - loss: Python float
    """
    eps = 1e-15
    per_sample = np.sum(y * np.log(A + eps), axis=1)
    return float(-np.mean(per_sample))


def gradient_descent(X: NDArray[np.floating], y: NDArray[np.floating], W: NDArray[np.floating],
                     b: NDArray[np.floating], lr: float, num_epochs: int, batch_size: int,
                     loss_fn: Callable[[NDArray[np.floating], NDArray[np.floating]], float],
                     activation_fn: Callable[[NDArray[np.floating]], NDArray[np.floating]] = lambda x: x) -> Tuple[NDArray[np.floating], NDArray[np.floating], List[float]]:
    """
    Train a single linear layer (optionally followed by an activation) with
    mini-batch gradient descent.

    Each epoch shuffles the samples with np.random.permutation, walks over
    them in mini-batches and applies, per batch of size B:
        err = activation_fn(X_b @ W + b) - y_b
        W <- W - lr * X_b^T err / B,    b <- b - lr * mean(err)
    (the gradient of MSE for the identity, or of BCE for the sigmoid). After
    each epoch the loss on the full data is recorded and one line
    "Epoch {e}/{num_epochs}, Loss: {loss:.4f}" is printed.

    Inputs:
    - X: Data of shape (N, D)
    - y: Targets of shape (N, 1)
    - W: Initial weights of shape (D, 1)
    - b: Initial bias of shape (1,) or (1, 1)
    - lr: Learning rate
    - num_epochs: Number of passes over the data
    - batch_size: Samples per mini-batch (the last batch may be smaller)
    - loss_fn: Loss used for reporting, called as loss_fn(y_pred, y)
    - activation_fn: Applied to X @ W + b; identity by default

    Returns a tuple of:
    - W: Trained weights of shape (D, 1)
    - b: Trained bias, same shape as the input b
    - loss_history: List of num_epochs losses, one per epoch
    """
    num_samples = X.shape[0]
    history: List[float] = []

    for epoch in range(1, num_epochs + 1):
        order = np.random.permutation(num_samples)
        X_perm, y_perm = X[order], y[order]

        for start in range(0, num_samples, batch_size):
            X_b = X_perm[start:start + batch_size]
            y_b = y_perm[start:start + batch_size]
            err = activation_fn(X_b @ W + b) - y_b
            dW = X_b.T @ err / X_b.shape[0]
            db = np.mean(err)
            W = W - lr * dW
            b = b - lr * db

        epoch_loss = loss_fn(activation_fn(X @ W + b), y)
        history.append(epoch_loss)
        print(f"Epoch {epoch}/{num_epochs}, Loss: {epoch_loss:.4f}")

    return W, b, history


def numerical_gradient(X: NDArray[np.floating], y: NDArray[np.floating], params: Dict[str, NDArray[np.floating]],
                      loss_fn: Callable[[NDArray[np.floating], NDArray[np.floating]], float],
                      forward_fn: Callable[[NDArray[np.floating], Dict[str, NDArray[np.floating]]], NDArray[np.floating]],
                      h: float = 1e-4) -> Dict[str, NDArray[np.floating]]:
    """
    Estimate dL/dp for every entry of every parameter by central differences:
    dL/dp ~ (L(p + h) - L(p - h)) / (2h), with L = loss_fn(forward_fn(X, params), y).

    Entries are perturbed in place one at a time and each is put back to its
    original value afterwards, so params is unchanged when the call returns.

    Inputs:
    - X: Data of shape (N, D)
    - y: Targets, shape as expected by loss_fn (e.g. (N, 1) or (N, C))
    - params: Dict mapping names (e.g. 'W', 'b') to float arrays
    - loss_fn: Called as loss_fn(y_pred, y), returns a scalar
    - forward_fn: Called as forward_fn(X, params), returns predictions
    - h: Finite-difference step

    Returns:
    - grads: Dict with the same keys as params; grads[k] has params[k]'s shape
    """
    grads: Dict[str, NDArray[np.floating]] = {}

    for name, p in params.items():
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            saved = p[idx].copy()

            p[idx] = saved + h
            loss_up = loss_fn(forward_fn(X, params), y)
            p[idx] = saved - h
            loss_down = loss_fn(forward_fn(X, params), y)
            p[idx] = saved

            g[idx] = (loss_up - loss_down) / (2 * h)
        grads[name] = g

    return grads


def forward_perceptron(X: NDArray[np.floating], W: NDArray[np.floating], b: NDArray[np.floating]) -> NDArray[np.floating]:
    """
    Forward pass of a single-layer perceptron: A = sigmoid(X @ W + b).

    Inputs:
    - X: Data of shape (N, D)
    - W: Weights of shape (D, 1)
    - b: Bias of shape (1,) or (1, 1)

    Returns:
    - A: Probabilities of shape (N, 1)
    """
    return sigmoid(X @ W + b)


def forward_mlp(X: NDArray[np.floating], W1: NDArray[np.floating], b1: NDArray[np.floating],
                W2: NDArray[np.floating], b2: NDArray[np.floating]) -> Tuple[NDArray[np.floating], NDArray[np.floating]]:
    """
    Forward pass of a two-layer MLP:
    A1 = relu(X @ W1 + b1),  A2 = softmax(A1 @ W2 + b2).

    Inputs:
    - X: Data of shape (N, D)
    - W1: First-layer weights of shape (D, H)
    - b1: First-layer bias of shape (1, H)
    - W2: Second-layer weights of shape (H, C)
    - b2: Second-layer bias of shape (1, C)

    Returns a tuple of:
    - A1: Hidden activations of shape (N, H)
    - A2: Class probabilities of shape (N, C)
    """
    A1 = relu(X @ W1 + b1)
    A2 = softmax(A1 @ W2 + b2)
    return A1, A2


def backward_mlp(X: NDArray[np.floating], A1: NDArray[np.floating], A2: NDArray[np.floating],
                y: NDArray[np.floating], W1: NDArray[np.floating], W2: NDArray[np.floating],
                Z1: NDArray[np.floating]) -> Tuple[NDArray[np.floating], NDArray[np.floating], NDArray[np.floating], NDArray[np.floating]]:
    """
    Backward pass of the two-layer MLP for mean softmax cross-entropy loss.

    With dZ2 = A2 - y and dZ1 = (dZ2 @ W2^T) * 1[Z1 > 0]:
    dW2 = A1^T dZ2 / N, db2 = mean_rows(dZ2), dW1 = X^T dZ1 / N, db1 = mean_rows(dZ1).

    Inputs:
    - X: Data of shape (N, D)
    - A1: Hidden activations of shape (N, H)
    - A2: Softmax outputs of shape (N, C)
    - y: One-hot labels of shape (N, C)
    - W1: First-layer weights of shape (D, H) (shape reference only)
    - W2: Second-layer weights of shape (H, C)
    - Z1: Hidden pre-activations of shape (N, H)

    Returns a tuple of:
    - grad_W1: shape (D, H)
    - grad_b1: shape (1, H)
    - grad_W2: shape (H, C)
    - grad_b2: shape (1, C)
    """
    N = X.shape[0]

    dZ2 = A2 - y
    grad_W2 = A1.T @ dZ2 / N
    grad_b2 = dZ2.mean(axis=0, keepdims=True)

    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    grad_W1 = X.T @ dZ1 / N
    grad_b1 = dZ1.mean(axis=0, keepdims=True)

    return grad_W1, grad_b1, grad_W2, grad_b2


def forward_mlp_3layer(X: NDArray[np.floating], W1: NDArray[np.floating], b1: NDArray[np.floating],
                       W2: NDArray[np.floating], b2: NDArray[np.floating],
                       W3: NDArray[np.floating], b3: NDArray[np.floating]) -> Tuple[NDArray[np.floating], NDArray[np.floating], NDArray[np.floating]]:
    """
    Forward pass of a three-layer MLP:
    A1 = relu(X @ W1 + b1), A2 = relu(A1 @ W2 + b2), A3 = softmax(A2 @ W3 + b3).

    Inputs:
    - X: Data of shape (N, D)
    - W1: Weights of shape (D, H1);  b1: bias of shape (1, H1)
    - W2: Weights of shape (H1, H2); b2: bias of shape (1, H2)
    - W3: Weights of shape (H2, C);  b3: bias of shape (1, C)

    Returns a tuple of:
    - A1: First hidden activations of shape (N, H1)
    - A2: Second hidden activations of shape (N, H2)
    - A3: Class probabilities of shape (N, C)
    """
    A1 = relu(X @ W1 + b1)
    A2 = relu(A1 @ W2 + b2)
    A3 = softmax(A2 @ W3 + b3)
    return A1, A2, A3


def backward_mlp_3layer(X: NDArray[np.floating], A1: NDArray[np.floating], A2: NDArray[np.floating],
                        A3: NDArray[np.floating], y: NDArray[np.floating],
                        W1: NDArray[np.floating], W2: NDArray[np.floating], W3: NDArray[np.floating],
                        Z1: NDArray[np.floating], Z2: NDArray[np.floating]) -> Tuple[NDArray[np.floating], NDArray[np.floating], NDArray[np.floating], NDArray[np.floating], NDArray[np.floating], NDArray[np.floating]]:
    """
    Backward pass of the three-layer MLP for mean softmax cross-entropy loss.

    dZ3 = A3 - y, dZ2 = (dZ3 @ W3^T) * 1[Z2 > 0], dZ1 = (dZ2 @ W2^T) * 1[Z1 > 0];
    for each layer l with input A_{l-1} (A_0 = X): dW_l = A_{l-1}^T dZ_l / N, db_l = mean_rows(dZ_l).

    Inputs:
    - X: Data of shape (N, D)
    - A1: First hidden activations of shape (N, H1)
    - A2: Second hidden activations of shape (N, H2)
    - A3: Softmax outputs of shape (N, C)
    - y: One-hot labels of shape (N, C)
    - W1: Weights of shape (D, H1) (shape reference only)
    - W2: Weights of shape (H1, H2)
    - W3: Weights of shape (H2, C)
    - Z1: First hidden pre-activations of shape (N, H1)
    - Z2: Second hidden pre-activations of shape (N, H2)

    Returns a tuple of:
    - grad_W1: shape (D, H1);  grad_b1: shape (1, H1)
    - grad_W2: shape (H1, H2); grad_b2: shape (1, H2)
    - grad_W3: shape (H2, C);  grad_b3: shape (1, C)
    """
    N = X.shape[0]

    dZ3 = A3 - y
    grad_W3 = A2.T @ dZ3 / N
    grad_b3 = dZ3.mean(axis=0, keepdims=True)

    dZ2 = (dZ3 @ W3.T) * (Z2 > 0)
    grad_W2 = A1.T @ dZ2 / N
    grad_b2 = dZ2.mean(axis=0, keepdims=True)

    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    grad_W1 = X.T @ dZ1 / N
    grad_b1 = dZ1.mean(axis=0, keepdims=True)

    return grad_W1, grad_b1, grad_W2, grad_b2, grad_W3, grad_b3


def conv2d(image: NDArray[np.floating], filter_kernel: NDArray[np.floating], stride: int = 1) -> NDArray[np.floating]:
    """2-D convolution layer, as deep learning defines it: valid cross-correlation with a stride.

    Part 4.2's formula, with the kernel slid as it is (NOT flipped):
        out[i, j] = sum_{m=0}^{kh-1} sum_{n=0}^{kw-1} image[i*stride + m, j*stride + n] * filter_kernel[m, n]
    (The post's code calls scipy.signal.convolve2d, which flips the kernel by 180 degrees
    first; for the symmetric kernels of its demo the two agree, for edge filters they do not.
    scipy.signal.correlate2d is the function that matches the formula.)

    Inputs:
    - image: (H, W) array of numbers; not modified.
    - filter_kernel: (kh, kw) array, kh <= H and kw <= W.
    - stride: step s >= 1 between neighbouring windows, in both directions.

    Returns:
    - out: (H', W') float array, H' = (H - kh) // s + 1, W' = (W - kw) // s + 1
      ('valid' mode: no padding, every window lies inside the image).
    """
    ### BEGIN SOLUTION
    H, W = image.shape
    kh, kw = filter_kernel.shape
    H_out = (H - kh) // stride + 1
    W_out = (W - kw) // stride + 1
    out = np.zeros((H_out, W_out))
    # Slide the image under the kernel rather than the kernel over the image: for kernel cell
    # (m, n), output cell (i, j) needs image[i*stride + m, j*stride + n], so all of them come
    # from one strided slice. kh * kw array operations instead of H_out * W_out Python steps.
    for m in range(kh):
        for n in range(kw):
            cells = image[m:m + (H_out - 1) * stride + 1:stride, n:n + (W_out - 1) * stride + 1:stride]
            out += filter_kernel[m, n] * cells
    return out
    ### END SOLUTION


def max_pool(X: NDArray[np.floating], size: int = 2, stride: int = 2) -> NDArray[np.floating]:
    """Max pooling: the largest value of each size x size window, channel by channel.

        out[i, j, c] = max_{m, n < size} X[i*stride + m, j*stride + n, c]

    Output size: H' = (H - size) // stride + 1, W' = (W - size) // stride + 1. (Part 4.3's
    floor(H / s) is the case size == stride; with size 2 and stride 1 a 4x4 map gives 3x3.)

    Inputs:
    - X: (H, W) or (H, W, C) array of numbers; not modified.
    - size: window height and width.
    - stride: step between neighbouring windows.

    Returns:
    - out: (H', W') for a 2-D X, (H', W', C) for a 3-D X: a (H, W, 1) input keeps its
      channel axis (the post's code drops it).
    """
    ### BEGIN SOLUTION
    two_d = X.ndim == 2
    if two_d:
        X = X[:, :, np.newaxis]  # work on (H, W, C); undo at the end
    H, W, C = X.shape
    H_out = (H - size) // stride + 1
    W_out = (W - size) // stride + 1
    # As in conv2d, one strided slice per window cell (m, n); the running maximum starts from
    # the first cell's values, never from 0, so negative maps pool right. Each channel on its own.
    out = None
    for m in range(size):
        for n in range(size):
            cells = X[m:m + (H_out - 1) * stride + 1:stride, n:n + (W_out - 1) * stride + 1:stride, :]
            out = cells.astype(float) if out is None else np.maximum(out, cells)
    return out[:, :, 0] if two_d else out
    ### END SOLUTION
