"""Publication day against `make stack`: anonymous readers of the published 2021 results — the home
page, the ranking tables switched between indices, filtered by peer group and region, searched and
sorted, the units' profiles, comparisons, the method, the CSV downloads — and integrators pulling
the API. Run by `make load-public`; `check_public` checks the figures afterwards.

The units, regions and indices are read from the public API when the run starts, so the readers ask
only for what is published."""

from __future__ import annotations

import json
import random
import urllib.error
import urllib.request
from typing import Any

from locust import FastHttpUser, between, events, task
from locust.env import Environment

YEAR = 2021
# Search words a reader types into the ranking's search box (names with and without their accents).
SEARCHES = ["Hà", "Đà Nẵng", "Bình", "thanh hoa", "Quảng", "Cần Thơ"]
SORTS = ["rank", "name", "change"]
CANDIDATE_INDICES = ["dti", "1", "2", "3", "4", "5", "6", "7", "8", "9", "CQS", "KTS", "XHS"]
PUBLISHED: dict[str, Any] = {}


def _get_json(host: str, path: str) -> Any:
    with urllib.request.urlopen(host + path, timeout=30) as response:  # noqa: S310 - the loopback stack
        return json.loads(response.read())


def _status(host: str, path: str) -> int:
    try:
        with urllib.request.urlopen(host + path, timeout=30) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@events.test_start.add_listener
def read_the_publication(environment: Environment, **_kwargs: Any) -> None:
    """What 2021 published: each level's units and peer groups, the indices, the provinces' regions."""
    host = environment.host or ""
    for level in ("province", "ministry"):
        # Every unit on one page: 63 provinces are more than the default page of 50.
        rows = _get_json(host, f"/api/v1/rankings/?year={YEAR}&level={level}&page_size=200")["results"]
        PUBLISHED[level] = {
            "units": [row["organisation_code"] for row in rows],
            "groups": sorted({row["group"] for row in rows}),
            "indices": [
                index
                for index in CANDIDATE_INDICES
                if _status(host, f"/api/v1/rankings/?year={YEAR}&level={level}&index={index}") == 200
            ],
        }
    organisations = _get_json(host, f"/api/v1/organisations/?level=province&year={YEAR}&page_size=200")["results"]
    PUBLISHED["regions"] = sorted({unit["region"] for unit in organisations if unit["region"]})


def _pick(items: list[str]) -> str:
    return random.choice(items)  # noqa: S311 - a reader's choice, not security


class Reader(FastHttpUser):
    """A citizen, a journalist or an official reading the results in a browser."""

    weight = 85
    wait_time = between(2, 5)

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(4)
    def ranking(self) -> None:
        self.client.get(f"/results/{YEAR}/province/", name="ranking page")

    @task(4)
    def ranking_filtered(self) -> None:
        province = PUBLISHED["province"]
        choice = random.random()  # noqa: S311
        if choice < 0.35:
            query = f"index={_pick(province['indices'])}"
        elif choice < 0.55:
            query = f"region={_pick(PUBLISHED['regions'])}"
        elif choice < 0.75:
            query = f"sort={_pick(SORTS)}"
        elif choice < 0.9:
            query = f"q={_pick(SEARCHES)}"
        else:
            query = f"index={_pick(province['indices'])}&region={_pick(PUBLISHED['regions'])}&sort={_pick(SORTS)}"
        self.client.get(f"/results/{YEAR}/province/?{query}", name="ranking page, filtered")

    @task(2)
    def ministries(self) -> None:
        ministry = PUBLISHED["ministry"]
        query = f"group={_pick(ministry['groups'])}&index={_pick(ministry['indices'])}"
        self.client.get(f"/results/{YEAR}/ministry/?{query}", name="ministry ranking page")

    @task(5)
    def profile(self) -> None:
        level = "province" if random.random() < 0.8 else "ministry"  # noqa: S311
        self.client.get(f"/results/units/{_pick(PUBLISHED[level]['units'])}/", name="profile page")

    @task(2)
    def compare(self) -> None:
        units = random.sample(PUBLISHED["province"]["units"], random.choice([2, 3]))  # noqa: S311
        self.client.get("/results/compare/?" + "&".join(f"unit={code}" for code in units), name="compare page")

    @task(1)
    def methodology(self) -> None:
        self.client.get(f"/results/{YEAR}/province/methodology/", name="methodology page")

    @task(1)
    def ranking_csv(self) -> None:
        index = _pick(PUBLISHED["province"]["indices"])
        self.client.get(f"/results/{YEAR}/province/?index={index}&format=csv", name="ranking csv")


class Integrator(FastHttpUser):
    """A newsroom's or another agency's system reading the open API (half of the time with its ETag)."""

    weight = 15
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.etags: dict[str, str] = {}

    def fetch(self, path: str, name: str) -> None:
        etag = self.etags.get(path)
        headers = {"If-None-Match": etag} if etag and random.random() < 0.5 else {}  # noqa: S311
        with self.client.get(path, headers=headers, name=name, catch_response=True) as response:
            if response.status_code in (200, 304):
                self.etags[path] = response.headers.get("ETag") or self.etags.get(path, "")
                response.success()

    @task(4)
    def rankings(self) -> None:
        level = "province" if random.random() < 0.7 else "ministry"  # noqa: S311
        index = _pick(PUBLISHED[level]["indices"])
        self.fetch(f"/api/v1/rankings/?year={YEAR}&level={level}&index={index}", "rankings api")

    @task(2)
    def rankings_csv(self) -> None:
        self.fetch(f"/api/v1/rankings/?year={YEAR}&level=province&format=csv", "rankings api csv")

    @task(3)
    def unit_results(self) -> None:
        code = _pick(PUBLISHED["province"]["units"])
        self.fetch(f"/api/v1/organisations/{code}/results/?year={YEAR}", "organisation results api")

    @task(1)
    def campaigns(self) -> None:
        self.fetch("/api/v1/campaigns/", "campaigns api")
