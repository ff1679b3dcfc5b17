"""A search result, made from a record as the site's search data hold it (zwgk.site.static_search
`item_record`, `entry_record`, `department_record`): the Whoosh index stores the same records, so
that `zwgk search`, `/api/search` and the browser show the same things."""

from __future__ import annotations

from dataclasses import dataclass, field

from zwgk.search import ranking


@dataclass(frozen=True)
class Hit:
    kind: str
    code: str
    title: str
    department: str
    url: str
    score: float
    status: str = ""
    department_name: str = ""
    date: str = ""
    type: str = ""
    level: str = ""
    doc_number: str = ""
    aliases: tuple[str, ...] = ()
    group: str = ""
    excerpt: str = ""
    match: str = ""
    others: tuple[dict, ...] = ()

    def as_json(self) -> dict:
        """The JSON contract of `zwgk search --format json` and `/api/search`."""
        return {
            "kind": self.kind,
            "code": self.code,
            "title": self.title,
            "department": self.department,
            "url": self.url,
            "score": self.score,
            "status": self.status,
            "department_name": self.department_name,
            "date": self.date,
            "type": self.type,
            "level": self.level,
            "doc_number": self.doc_number,
            "aliases": list(self.aliases),
            "group": self.group,
            "excerpt": self.excerpt,
            "match": self.match,
            "others": list(self.others),
        }


@dataclass
class Page:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0


def ranking_record(record: dict) -> ranking.Record:
    return ranking.Record(
        kind=record["kind"],
        title=record["title"],
        url=record["url"],
        names=record.get("aliases", []),
        keywords=record.get("keywords", []),
        codes=record.get("codes", []),
        withdrawn=record.get("withdrawn", False),
        date=record.get("date", ""),
    )


def ranked(records: list[dict], variants: list[str], by_date: bool = False) -> list[dict]:
    return [record for _, record in keyed(records, variants, by_date)]


def keyed(records: list[dict], variants: list[str], by_date: bool = False) -> list[tuple[tuple, dict]]:
    """(rank key, record), in rank order: each key computed once."""
    pairs = [(ranking.rank_key(variants, ranking_record(record), by_date), record) for record in records]
    pairs.sort(key=lambda pair: pair[0])
    return pairs


def grouped(records: list[dict]) -> list[tuple[dict, list[dict]]]:
    """Ranked records with the same item (basic code and name) in several departments as one result:
    (the best of them, the others in rank order)."""
    groups: dict[tuple, tuple[dict, list[dict]]] = {}
    for record in records:
        key = ("item", record.get("group"), record["title"]) if record["kind"] == "item" and record.get("group") else (record["url"],)
        if key in groups:
            groups[key][1].append(record)
        else:
            groups[key] = (record, [])
    return list(groups.values())


def hit(record: dict, variants: list[str], by_date: bool = False, others: list[dict] = (), key: tuple | None = None) -> Hit:
    key = key or ranking.rank_key(variants, ranking_record(record), by_date)
    return Hit(
        kind=record["kind"],
        code=record["code"],
        title=record["title"],
        department=record.get("department", ""),
        url=record["url"],
        score=ranking.score(key, by_date),
        status=record.get("status", ""),
        department_name=record.get("department_name", ""),
        date=record.get("date", ""),
        type=record.get("type", ""),
        level=record.get("level", ""),
        doc_number=record.get("doc_number", ""),
        aliases=tuple(record.get("aliases", [])) if record["kind"] == "item" else (),
        group=record.get("group", ""),
        excerpt=ranking.excerpt(record.get("excerpt") or record["title"], variants),
        match=ranking.TIERS[key[1] if by_date else key[0]],
        others=tuple(
            {
                "department": o.get("department", ""),
                "department_name": o.get("department_name", ""),
                "url": o["url"],
                "status": o.get("status", ""),
            }
            for o in others
        ),
    )


def page(records: list[dict], variants: list[str], by_date: bool, offset: int, limit: int) -> Page:
    """One page of results: ranked, grouped, cut. The total counts results (groups), not records."""
    pairs = keyed(records, variants, by_date)
    keys = {id(record): key for key, record in pairs}
    groups = grouped([record for _, record in pairs])
    shown = [hit(best, variants, by_date, others, keys[id(best)]) for best, others in groups[offset : offset + limit]]
    return Page(shown, len(groups))
