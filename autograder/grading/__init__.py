"""Grading one submission, on the trusted side: the libraries a check computes expectations
with, running one test, copying the submission, and ``grade()`` itself."""
