from django.shortcuts import get_object_or_404, redirect, render  # noqa: F401

# --- Public board, needs, staff triage and project editing -------------------------


# --- Joint meeting, adoption, renewals and the liaison portal -----------------------
