"""Speed and memory benchmarks: our engine against numpy by hand, PyTorch and micrograd.

`python -m benchmarks` runs every workload, each in its own process with one
BLAS thread, and prints a table of times and ratios (also written as JSON).

W1  scalar graph a = x·m + b, y = ReLU(a), L = (y − y*)² (report 000), forward + backward
W2  report 001's 2-12-5 softplus/softmax network on X (1000×2), forward + backward + SGD step
W3  report 002's 784-300-10 sigmoid/softmax network, batch 64 and 1024, float32 and float64
W4  a chain of 5,000 elementwise ops (multiply, add, tanh) on x of shape (100,), sum, backward;
    and the memory of 10,000 vs 100,000-op chains (it must grow linearly)
W5  peak memory of one W3 batch-1024 step, and the memory growth over 1,000 steps

"numpy by hand" (`benchmarks/numpy_ref.py`) is the same math written directly
in numpy with the gradients derived by hand: the floor for any numpy engine.
"""
