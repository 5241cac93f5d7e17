"""The scale run's verdict (bench/scale.py), on made-up numbers: a page over 2x is a miss,
unless its content itself grows at the city size, which the table says instead."""

from bench import scale


def _run(**ms):
    pages = {
        key: {"title": key, "url": f"/{key}/", "user": "anon", "ms": v, "queries": 3,
              "status": 200}
        for key, v in ms.items()
    }  # fmt: skip
    sweep = {"first_ms": 1, "created": 0, "again_ms": 1, "again_queries": 7,
             "again_writes": 0, "again_created": 0}  # fmt: skip
    return {"pages": pages, "sweep": sweep}


def test_it_misses_a_page_over_twice_as_slow():
    lines, misses = scale.table(_run(board=10.0), _run(board=25.0))
    assert misses == ["board: 2.50x"]
    assert any("MISSED" in line for line in lines)


def test_it_shows_a_page_that_grows_with_its_content_with_the_reason_not_as_a_miss():
    lines, misses = scale.table(_run(my_projects=10.0), _run(my_projects=40.0))
    assert misses == []
    row = next(line for line in lines if line.startswith("| my_projects"))
    assert "4.00" in row and "grows (below)" in row
    assert f"- my_projects: 4.00x; {scale.GROWS['my_projects']}" in lines
