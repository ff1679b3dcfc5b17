"""Every public URL, derived from codes alone so that it never changes. One place, used by pages,
exports, feeds, the sitemap check and the search index alike."""

from __future__ import annotations

from zwgk.catalog.codes import IndexNumber

ROWS_PER_PAGE = 500


def department(dept_id: str) -> str:
    return f"departments/{dept_id}/"


def item(dept_id: str, basic_code: str) -> str:
    return f"items/{dept_id}/{basic_code}/"


def catalogue_page(dept_id: str, period: str, chunk: int = 1) -> str:
    """A department's entries of one period (YYYYMM or YYYY); a period of more than 500 entries is
    split by serial number, so a page's content only grows, never moves."""
    return f"catalogue/{dept_id}/{period}/" + (f"{chunk}/" if chunk > 1 else "")


def chunk_of(serial: int) -> int:
    return (serial - 1) // ROWS_PER_PAGE + 1


def entry(dept_id: str, number: IndexNumber) -> str:
    """The permalink of a catalogue entry: its page and its serial as the anchor."""
    return f"{catalogue_page(dept_id, number.period, chunk_of(number.serial))}#{number.serial:05d}"


def index_resolver(number: IndexNumber) -> str:
    """A URL computed from the 索引号 alone (publisher code, period): it redirects to the entry."""
    return f"i/{number.prefix}/{number.period}/#{number.serial:05d}"


def power_type(code: str, page: int = 1) -> str:
    return f"types/{code}/" + (f"{page}/" if page > 1 else "")


def topic(code: str, page: int = 1) -> str:
    return f"topics/{code}/" + (f"{page}/" if page > 1 else "")


def page_source(url: str) -> str:
    """The MkDocs source path of a page served at `url`."""
    return url.split("#")[0] + "index.md"


def monitoring() -> str:
    return "monitoring/"


def scorecard(dept_id: str) -> str:
    return f"monitoring/{dept_id}/"


def sitemap() -> str:
    """The HTML site map (网站地图)."""
    return "sitemap/"


def correction() -> str:
    """我要纠错: where to report an error."""
    return "about/correction/"


AUDIENCES = {"person": "自然人", "legal": "法人"}  # URL slug -> PowerItem.audience value


def audience(slug: str) -> str:
    """Service items by who is served: 个人办事 (person), 法人办事 (legal)."""
    return f"audience/{slug}/"


def inspection() -> str:
    """The 检查指标自查 page (国办秘函〔2019〕19号)."""
    return "monitoring/inspection/"


def annual_province() -> str:
    return "annual/"


def annual_region(region: str) -> str:
    return f"annual/regions/{region}/"


def annual_report(dept_id: str, year: int) -> str:
    """A department's whole annual report of one year."""
    return f"annual/{dept_id}/{year}/"
