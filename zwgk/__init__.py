"""zwgk: the open-government directory generator (政务公开目录生成器)."""

__version__ = "0.1.0"
