"""visitsvc: the register of vulnerable elderly people and the plan that visits each of them every month."""
