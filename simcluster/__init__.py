"""The simulated Kubernetes cluster of the embedded default: a kmock API server fed by a scenario file.

Run it with ``python -m simcluster --scenario scenarios/crashloop.yaml``; every other process reaches
it through the kubeconfig it writes, exactly as it would reach a real cluster. No Django here.
"""
