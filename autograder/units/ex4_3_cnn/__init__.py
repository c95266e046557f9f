"""Part 4.3, the post's simple CNN: 4 digits, 8 filters, dense + softmax."""
