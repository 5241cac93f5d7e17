# Benchmark of the reminder sweep: .venv/bin/python manage.py shell < bench/sweep_bench.py
# (the same as `.venv/bin/python manage.py bench_sweep`; both roll back what they build).
from django.core.management import call_command

call_command("bench_sweep")
