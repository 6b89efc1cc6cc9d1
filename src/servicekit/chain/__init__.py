"""The service chain: the graph of a model, the queries asked of it, and their answers."""
