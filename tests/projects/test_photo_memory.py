"""Photo uploads are bounded in decoded pixels per request, so a worker's memory stays small.

Four 6400x6250 PNGs (680 KB in all) once took a worker from 100 MB to 678 MB. Peak memory
is measured as the peak resident set (VmHWM) of a fresh process: Pillow allocates outside
Python's allocator, so tracemalloc would not see it.
"""

import json
import subprocess
import sys

import pytest
from django.conf import settings

MEASURE = r"""
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "zhujing.settings"
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from projects.forms import ProgressUpdateForm

files = [
    SimpleUploadedFile(os.path.basename(p), open(p, "rb").read(), content_type="application/octet-stream")
    for p in sys.argv[1:]
]
def rss_mb():
    # VmHWM: the peak resident set of this program (ru_maxrss would carry over the
    # parent's peak from before exec).
    with open("/proc/self/status") as f:
        line = next(l for l in f if l.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024
before = rss_mb()
form = ProgressUpdateForm({"text": "进展"}, MultiValueDict({"photos": files}))
valid = form.is_valid()
print(json.dumps({
    "before_mb": before, "peak_mb": rss_mb(), "valid": valid,
    "errors": [str(e) for e in form.errors.get("photos", [])],
    "kept": len(form.cleaned_data.get("photos", [])) if valid else 0,
}))
"""

MAKE = r"""
import sys
from PIL import Image
w, h = int(sys.argv[1]), int(sys.argv[2])
for path in sys.argv[3:]:
    Image.new("RGB", (w, h), (200, 120, 40)).save(path)
"""


def _pngs(tmp_path, width, height, n=4, ext="png"):
    paths = [str(tmp_path / f"big{i}.{ext}") for i in range(n)]
    subprocess.run([sys.executable, "-c", MAKE, str(width), str(height), *paths], check=True)
    return paths


def _measure(paths):
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *paths],
        check=True, capture_output=True, text=True, cwd=settings.BASE_DIR,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")
def test_four_huge_pngs_are_refused_without_decoding_them(tmp_path):
    result = _measure(_pngs(tmp_path, 6400, 6250))
    print(result)
    assert not result["valid"]
    assert result["peak_mb"] < 200
    assert result["peak_mb"] - result["before_mb"] < 60


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")
def test_four_phone_photos_are_kept_within_200_mb(tmp_path):
    result = _measure(_pngs(tmp_path, 4000, 3000, ext="jpg"))
    print(result)
    assert result["valid"], result["errors"]
    assert result["kept"] == 4
    assert result["peak_mb"] < 200


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")
def test_photos_over_the_request_budget_together_are_refused_in_chinese(tmp_path):
    result = _measure(_pngs(tmp_path, 3600, 3000))  # 10.8 MP each: fine alone, not 4 together
    print(result)
    assert not result["valid"]
    assert any("合计" in e for e in result["errors"])
    assert result["peak_mb"] < 200
