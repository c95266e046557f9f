"""Grading one submission, on the trusted side: the libraries a check computes expectations
with, running one test, copying the submission, and ``grade()`` itself."""

# how a learner's conv2d may slide its kernel (grading.libraries; `grade --convention`)
CONVENTIONS = ("correlation", "convolution", "either")
