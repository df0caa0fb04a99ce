import torch

# The models are tiny: one thread is fastest and keeps the tests from contending for the cores.
torch.set_num_threads(1)
