"""ProactiveHealth: a simulated hospital ERP that writes 22 raw tables as CSV."""

__version__ = "0.1.0"
