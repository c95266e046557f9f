def max_pool(X, size=2, stride=2):
    H, W = X.shape[0], X.shape[1]
    result = []
    for i in range(0, H - size + 1, stride):
        row = []
        for j in range(0, W - size + 1, stride):
            cell = X[i : i + size, j : j + size].max(axis=(0, 1))
            row.append(cell.tolist() if X.ndim == 3 else float(cell))
        result.append(row)
    return result
