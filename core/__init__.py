"""Helpers every app uses: caching, dates, exports, parameters, side effects. Imports no app."""
