"""Task scripts that train models built with the project's autograd engine on real data."""
