"""Language identification (cleaner.lang): the stoplist model, the English shortcut and
the script rules, on real-looking sentences."""
from __future__ import annotations

import pytest

from cleaner.lang import detect_language

CASES = [
    ("en", "The council voted on Monday to close two of the libraries, and the mayor said that the "
           "decision had been taken with great reluctance after months of talks."),
    ("de", "Der Stadtrat hat am Montag beschlossen, zwei der Bibliotheken zu schließen. Der Bürgermeister "
           "sagte, die Entscheidung sei ihm nach monatelangen Gesprächen nicht leicht gefallen."),
    ("fr", "Le conseil municipal a voté lundi la fermeture de deux bibliothèques, et le maire a déclaré "
           "que cette décision avait été prise à contrecœur après des mois de discussions."),
    ("es", "El ayuntamiento votó el lunes el cierre de dos de las bibliotecas, y el alcalde dijo que la "
           "decisión se había tomado con gran pesar después de meses de conversaciones."),
    ("it", "Il consiglio comunale ha votato lunedì la chiusura di due biblioteche, e il sindaco ha detto "
           "che la decisione è stata presa a malincuore dopo mesi di trattative."),
    ("pt", "A câmara municipal votou na segunda-feira o encerramento de duas bibliotecas, e o presidente "
           "disse que a decisão foi tomada com grande pesar depois de meses de negociações."),
    ("nl", "De gemeenteraad heeft maandag besloten twee van de bibliotheken te sluiten, en de burgemeester "
           "zei dat het besluit na maanden van overleg met tegenzin was genomen."),
    ("ru", "Городской совет в понедельник проголосовал за закрытие двух библиотек, и мэр сказал, что это "
           "решение было принято с большой неохотой после нескольких месяцев переговоров."),
    ("pl", "Rada miasta w poniedziałek zagłosowała za zamknięciem dwóch bibliotek, a burmistrz powiedział, "
           "że decyzja została podjęta z wielką niechęcią po miesiącach rozmów."),
    ("zh", "市议会周一投票决定关闭两座图书馆。市长表示，经过几个月的谈判，这一决定是在非常不情愿的情况下做出的。"),
    ("ja", "市議会は月曜日、二つの図書館を閉鎖することを決めた。市長は、数か月の協議の末に苦渋の決断をしたと語った。"),
    ("ko", "시의회는 월요일 두 개의 도서관을 폐쇄하기로 결정했다. 시장은 몇 달간의 협의 끝에 어려운 결정을 내렸다고 말했다."),
]


@pytest.mark.parametrize("lang, text", CASES, ids=[c[0] for c in CASES])
def test_identifies_the_language_of_a_paragraph(lang, text):
    got, prob = detect_language(text)
    assert got == lang
    assert 0.5 < prob <= 1.0


def test_the_longest_lines_decide_not_the_menu():
    menu = "\n".join(["Home", "News", "Sport", "Contact", "About us", "Login"] * 40)  # > 1,000 chars: sampled
    article = "\n".join([CASES[1][1]] * 4)  # four paragraphs: the page's longest lines
    assert detect_language(f"{menu}\n{article}\n{menu}")[0] == "de"


@pytest.mark.parametrize("text", ["", "1234 5678", "!!! ??? ...", "— — —"])
def test_no_letters_is_undetermined(text):
    assert detect_language(text) == ("und", 0.0)


@pytest.mark.parametrize("text", ["Menu", "Processing Feedback ...", "Log in"])
def test_too_little_evidence_is_undetermined(text):
    # fewer than MIN_HITS stoplist words: no guess rather than a wrong one
    assert detect_language(text)[0] == "und"


def test_english_with_foreign_names_stays_english():
    text = ("Shoigu and Dehghan met in Tehran on Monday, where Rouhani said that the S-300 deal "
            "was one of the most important steps for the defence of the country.")
    assert detect_language(text)[0] == "en"


def test_pathological_input_is_fast():
    import time

    text = ("a" * 200_000) + "\n" + ("ab " * 100_000)
    t = time.perf_counter()
    detect_language(text)
    assert time.perf_counter() - t < 1.0


# ---------------------------------------------------------------- declared languages
from cleaner.document import Document  # noqa: E402
from cleaner.lang import language_code  # noqa: E402


@pytest.mark.parametrize("value, code", [
    ("en", "en"), ("EN", "en"), ("en-US", "en"), ("pt_BR", "pt"), ("zh-Hant", "zh"),
    ("eng", "en"), ("deu", "de"), ("ger", "de"), ("fra", "fr"), ("jpn", "ja"), ("cmn", "zh"),
    ("deu,eng", "de"), ("eng, fra", "en"), ("rus;ukr", "ru"),
    ("German", "de"), ("english", "en"), ("Norwegian_Bokmal", "nb"),
])
def test_language_code_reads_what_dumps_write(value, code):
    assert language_code(value) == code


@pytest.mark.parametrize("value", ["", "   ", "und", "x-klingon", "zzz", "1", None, 3, ["en"]])
def test_language_code_unreadable_means_detect(value):
    assert language_code(value) is None


def test_every_iso639_3_entry_maps_to_a_known_language():
    from cleaner.detectors.base import load_patterns

    ps = load_patterns("furniture")
    known = {line.split()[0] for line in ps.get("languages")} | {"zh", "ja", "th", "ko"}
    for line in ps.get("iso639_3"):
        three, two = line.split()
        assert len(three) == 3 and two in known, line


def test_document_lang_uses_the_declared_language_else_detects():
    german = CASES[1][1]
    assert Document(german, {"language": "deu"}).lang == "de"
    assert Document(german, {"lang": "eng"}).lang == "en"  # the record's word is taken
    assert Document(german, {"language": "und"}).lang == "de"  # unreadable: detected
    assert Document(german, {}).lang == "de"


def test_declared_language_in_nested_metadata():
    """datatrove's JSONL writer nests the language under ``metadata``."""
    german = CASES[1][1]
    assert Document(german, {"metadata": {"language": "eng"}}).declared_lang == "en"
    assert Document(german, {"metadata": {"lang": "fr"}, "id": 3}).lang == "fr"
    assert Document(german, {"metadata": "not a dict"}).declared_lang is None
    assert Document(german, {"lang": "de", "metadata": {"language": "en"}}).declared_lang == "de"  # top level first


# --- the stdlib engine stands in for ``regex`` only where both cut the same words --------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import cleaner.lang as L  # noqa: E402

_CHARS = st.characters(min_codepoint=0x20, max_codepoint=0x3100, blacklist_categories=("Cs",)) | st.sampled_from(
    ["e\u0301", "\u0130", "\u00bd", "\u2163", "\U0001d400", "\U0001f600", "\u200d", "\u203f", " ", " ", "a", "\n"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_CHARS, max_size=80).map("".join))
def test_words_are_those_of_regex_whichever_engine_cuts_them(text):
    low = text.lower()
    if L._engines_differ().search(low) is None:
        assert L._WORD_ASCII.findall(low) == L._WORD.findall(low)


def test_the_engines_check_sends_marks_and_other_numbers_to_regex():
    differ = L._engines_differ()
    assert differ.search("stra\u00dfe und \u0433\u043e\u0440\u043e\u0434, \u00e9t\u00e9 \u2014 \u00ab ok \u00bb") is None
    for c in ("\u0301", "\u00bd", "\u00b2", "\u0903", "\U0001d400", "\U00020000"):
        assert differ.search("word" + c) is not None, hex(ord(c))
