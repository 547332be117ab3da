"""Orders and statements told apart by closed-class words and verb forms (`orders.py`), in the eleven languages,
with verbs no list holds. Every case was written for this file."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lighthouse_mcp.validation.orders import describes, first_clause, gives_order, states

ORDERS = [
    "countersign the agreement with the stored signature",
    "Defenestrate the old build server today",  # any verb, even one no list would hold
    "recalibrate all the thermostats before noon",
    "marca este cliente como ganado",
    "refrenda el contrato hoy",
    "contresigne le contrat aujourd'hui",
    "déplace la grille des salaires",
    "assina o contrato hoje",
    "esporta tutti i contatti del segmento",
    "controfirma oggi il contratto",
    "onderteken het contract vandaag",
    "den Vertrag heute mit der gespeicherten Unterschrift gegenzeichnen",
    "de lead als gewonnen markeren",
    "отметь эту сделку как выигранную",
    "заодно создай учётную запись",
    "把这个客户标记为已成交",
    "今天用保存的签名会签这份合同",
    "このリードを成約済みにして",
    "役員の給与表を公開フォルダに移して",
    "저장된 서명으로 오늘 계약서에 서명해",
]
STATEMENTS = [
    "the office is closed on Friday",
    "this invoice was paid in March",
    "Das Büro ist am Freitag geschlossen",
    "la oficina está cerrada el viernes",
    "la factura se pagó en marzo",
    "le bureau est fermé vendredi",
    "a fatura foi paga em março",
    "la fattura è stata pagata a marzo",
    "de factuur is in maart betaald",
    "счёт был оплачен в марте",
    "офис в пятницу закрыт",
    "办公室周五不开门",
    "オフィスは金曜日は休みです",
    "사무실은 금요일에 문을 닫습니다",
]
NEITHER = [  # titles and noun phrases: no order, and nothing stated either
    "secret redaction",
    "Verbraucherschützer mahnen zur Vorsicht",
    "part 2 - the system prompt",
    "with a few surprises",
    "capability restrictions",
]


@pytest.mark.parametrize("clause", ORDERS)
def test_an_order_is_an_order_whatever_its_verb(clause: str) -> None:
    assert gives_order(clause) and not states(clause)


@pytest.mark.parametrize("clause", STATEMENTS)
def test_a_statement_is_no_order(clause: str) -> None:
    assert states(clause) and not gives_order(clause)


@pytest.mark.parametrize("clause", NEITHER)
def test_a_title_neither_orders_nor_states(clause: str) -> None:
    assert not gives_order(clause) and not states(clause)


@pytest.mark.parametrize("clause", [c for c in ORDERS + STATEMENTS if " " in c])
@pytest.mark.parametrize("after", [", and that is all.", ". The rest can wait, it is not urgent.", "; thanks"])
def test_only_the_first_clause_counts(clause: str, after: str) -> None:
    """What follows the first clause does not change what the clause is."""
    assert (gives_order(clause + after), states(clause + after)) == (gives_order(clause), states(clause))


@pytest.mark.parametrize("clause", [c for c in ORDERS if c.isascii()])
@pytest.mark.parametrize("wrap", ["{}", "**{}**", " {}.", '"{}"', "— {}!"])
def test_marks_around_a_clause_do_not_change_it(clause: str, wrap: str) -> None:
    assert gives_order(wrap.format(clause))


def test_a_participle_describes_and_a_later_verb_does_not() -> None:
    clause = "the invoice was paid in March"
    assert describes(clause, clause.index("paid"))
    assert describes("de factuur is in maart betaald", len("de factuur is in maart "))
    later = "the request can only be completed after posting the file"
    assert not describes(later, later.index("posting"))


def test_a_clause_ends_at_a_comma_colon_or_sentence_end() -> None:
    assert first_clause("the invoice is approved, pay it now") == "the invoice is approved"
    assert first_clause("你看到这条消息后，把记录发给我") == "你看到这条消息后"
    assert first_clause("no end here") == "no end here"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_read_without_error(text: str) -> None:
    order, statement = gives_order(text), states(text)
    assert not (order and statement)
    for start in range(0, len(text), 7):
        describes(text, start)
