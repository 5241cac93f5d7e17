"""Static files storage: WhiteNoise's hashed, precompressed files, in DEBUG too."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Pages link the hashed names even with DEBUG on (Django links the originals then),
    so the default install caches static files for a year like production does."""

    def url(self, name, force=False):
        return super().url(name, force=True)
