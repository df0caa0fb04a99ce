"""The games and their exact solutions: bimatrix games, the iterated game with one-step
memory, batched rollouts, Gymnasium/PettingZoo environments and the exact Stackelberg solver."""
