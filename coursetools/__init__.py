"""The course's tooling, which no lesson calls: run from ``make`` (see the Makefile).

notebooks     the runner (``make notebooks``), the course kernel, the student
              edition, the test copies for nbval and the figure baselines
reproduction  the reproduction table of the committed notebooks' numbers
              (docs/reproduction.md, ``make reproduction``)
reproduce     re-run notebooks at full size into build/ and compare their
              numbers and figures with the committed runs (``make reproduce``)
site          the static site and the class slides (``make site``, ``make slides``)
benchmarks    the input pipeline and backend benchmarks (``make benchmarks``,
              ``make benchmark-backends``)

The lessons import the package beside it, `helpers`; this one imports `helpers`
(its paths and profiles), never the other way round.
"""
