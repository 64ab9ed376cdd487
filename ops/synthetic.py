"""A synthetic campaign for the scoring benchmark and the fault tests: a framework with every rule, units with answers.

Built only through the product's public services and models; the data is random but seeded, so two
runs with the same seed build the same campaign.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from accounts.models import Organisation
from common.rules import Rule
from indicators.framework.parse import AggregateData, FrameworkData, NodeData
from indicators.models import Node
from indicators.services import import_framework
from submissions.models import Answer, Campaign, Submission

# Every rule the frameworks use, in turn, so the benchmark scores a realistic mix.
RULES: list[tuple[str, dict[str, Any]]] = [
    ("boolean", {}),
    ("percentage", {}),
    ("percentage", {"inverted": True, "target": "20"}),
    ("ratio", {}),
    ("count", {"cap": "50"}),
    ("levels", {"levels": [{"label": "Hằng tuần", "fraction": "1"}, {"label": "Hằng tháng", "fraction": "0.5"}]}),
    ("relative_to_best", {}),
    ("minmax", {}),
    ("zscore", {"bound": "3"}),
    ("manual", {}),
]
MAIN_INDICES = 10
COMPONENTS = 5
# Every component needs a leaf, or the framework fails its integrity check.
MINIMUM_LEAVES = MAIN_INDICES * COMPONENTS
# Answers are written in batches: a 700-unit campaign has 210 000 of them.
ANSWER_BATCH = 20000


def build_campaign(unit_count: int, leaf_count: int, rng: random.Random) -> Campaign:
    """A framework of `leaf_count` leaves in 10 main indices × 5 components, and `unit_count` units with answers."""
    code = f"bench-{unit_count}x{leaf_count}"
    framework = import_framework(data=_framework_data(code, leaf_count, rng))
    organisations = Organisation.objects.bulk_create(
        Organisation(code=f"B{unit_count}-{n:04d}", level="province", name=f"Đơn vị {n}", short_name=f"Đơn vị {n}",
                     group="province") for n in range(unit_count)
    )  # fmt: skip
    today = datetime.date.today()  # noqa: DTZ011 - dates of a synthetic campaign
    campaign = Campaign.objects.create(
        name=code, year=2000, level="province", framework=framework, groups=["province"], is_trial=True,
        entry_opens=today, entry_closes=today, appraisal_closes=today, explanation_closes=today,
        final_appraisal_closes=today, publication_date=today, state=Campaign.State.OPEN,
    )  # fmt: skip
    submissions = Submission.objects.bulk_create(Submission(campaign=campaign, organisation=o) for o in organisations)
    criteria = list(framework.nodes.filter(kind="criterion"))
    answers: list[Answer] = []
    for submission in submissions:
        for criterion in criteria:
            answer = Answer(submission=submission, node=criterion)
            # A tenth of the answers stay empty, as on a real deadline day.
            if rng.random() < 0.9:
                if criterion.rule == "ratio":
                    answer.denominator = Decimal(rng.randint(1, 1000))
                    answer.numerator = Decimal(rng.randint(0, int(answer.denominator)))
                elif criterion.rule == "levels":
                    answer.choice = rng.choice(["Hằng tuần", "Hằng tháng", ""])
                elif criterion.rule == Rule.BOOLEAN:
                    answer.value = Decimal(rng.randint(0, 1))
                elif criterion.rule == Rule.MANUAL:
                    # Points given by hand, within the leaf's maximum as entry requires.
                    answer.value = Decimal(rng.randint(0, int((criterion.max_points or 0) * 100))) / 100
                else:
                    answer.value = Decimal(rng.randint(0, 10000)) / 100
            answers.append(answer)
        if len(answers) >= ANSWER_BATCH:
            Answer.objects.bulk_create(answers, batch_size=5000)
            answers = []
    Answer.objects.bulk_create(answers, batch_size=5000)
    return campaign


def _framework_data(code: str, leaf_count: int, rng: random.Random) -> FrameworkData:
    per_component = max(1, leaf_count // (MAIN_INDICES * COMPONENTS))
    nodes: list[NodeData] = []
    total = Decimal(0)
    made = 0
    for m in range(1, MAIN_INDICES + 1):
        main = NodeData(key=f"{m}", code=f"{m}", parent=None, kind="main", name=f"Chỉ số chính {m}")
        nodes.append(main)
        main_points = Decimal(0)
        for c in range(1, COMPONENTS + 1):
            key = f"{m}.{c}"
            component = NodeData(key=key, code=key, parent=f"{m}", kind="component", name=f"Chỉ số thành phần {key}")
            nodes.append(component)
            component_points = Decimal(0)
            # The last component takes the remainder, so the framework has exactly `leaf_count` leaves.
            count = per_component if (m, c) != (MAIN_INDICES, COMPONENTS) else leaf_count - made
            for number in range(1, count + 1):
                rule, parameters = RULES[made % len(RULES)]
                points = Decimal(rng.choice([1, 2, 3, 4]))
                nodes.append(NodeData(key=f"{key}.{number}", code=f"{key}.{number}", parent=key,
                                      kind=Node.Kind.CRITERION, name=f"Tiêu chí {key}.{number}", max_points=points,
                                      source=Node.Source.SELF_REPORT, rule=rule, parameters=parameters))  # fmt: skip
                component_points += points
                made += 1
            component.max_points = component_points
            main_points += component_points
        main.max_points = main_points
        total += main_points
    return FrameworkData(
        code=code, level="province", name=code, decision_number="0/BENCH", decision_date=datetime.date(2024, 1, 1),
        first_year=2000, last_year=None, max_points=total, nodes=nodes,
        aggregates=[AggregateData(code="DTI", name="DTI", main_indices=[str(m) for m in range(1, MAIN_INDICES + 1)])],
    )  # fmt: skip
