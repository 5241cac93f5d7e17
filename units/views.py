from django.shortcuts import get_object_or_404, redirect, render  # noqa: F401

from zhujing.accounts.access import liaison_required, staff_required  # noqa: F401

# --- Registry pages for office staff ------------------------------------------


# --- Liaison pages ---------------------------------------------------------------


# --- Public pages ------------------------------------------------------------------
