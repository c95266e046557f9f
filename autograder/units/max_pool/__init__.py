"""max_pool: the max over size x size windows, (H, W) or (H, W, C) (Part 4.3)."""
