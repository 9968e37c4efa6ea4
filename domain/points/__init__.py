"""Points: rules about points once earned."""
