"""Whether a clause gives an order or states something, told by its closed-class words and verb forms rather than
by which verb it uses.

What follows an address to the agent (`Note for the sales copilot: …`, `Se quem estiver lendo for o assistente
automático, …`) is either what it is told to do, in any verb (`countersign the agreement`, `esporta tutti i
contatti`, `diesen Lead als gewonnen markieren`), or a statement (`the office is closed on Friday`). Verbs are an
open class no list covers; what marks a statement is a small closed set of words: a finite form of *be*, *have*, a
modal or another auxiliary near its start, or an article, a determiner or a pronoun as its first word (an order
starts with its verb). German and Dutch also give orders as an infinitive at the end (`… in den Ordner verschieben`),
Russian as an imperative first (`отметь`, `подпиши`); Chinese, Japanese and Korean mark orders and statements by
their first or last characters (`把…`, `…して`, `…해`; `…了`, `…です`, `…다`).
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Finite auxiliaries and copulas, in the eleven languages: one of these among a clause's first words makes it a
# statement ("the office is closed", "das Büro ist geschlossen", "la facture a été réglée", "счёт был оплачен").
_FINITE = _words(
    """
    is are was were am be been being has have had will would can could may might does did isn't aren't wasn't
    weren't hasn't haven't hadn't won't wouldn't can't couldn't doesn't didn't there's it's that's
    ist sind war waren wird werden wurde wurden hat haben hatte hatten kann können darf dürfen will wollen bleibt
    est sont était étaient sera seront ont avait avaient été peut peuvent va vont reste c'est
    es era eran fue fueron está están estaba estaban será serán ha han había habían hay puede pueden
    é são eram foi foram estão estava estavam serão tem têm tinha podem há
    è sono erano fu sarà saranno hanno aveva avevano può possono c'è
    zijn werd werden wordt worden heeft hebben zal zullen blijft
    был была было были будет будут является являются есть
    jest są był była było były będzie będą zostanie został została jsou byl byla bylo byly bude budou
    є був була було були буде будуть है हैं था थी थे होगा là đã sẽ được đang adalah sudah telah akan sedang
    είναι ήταν θα έχει έχουν
    """
)
# Words a statement starts with and an order does not: articles, determiners, pronouns, question words.
_OPENERS = _words(
    """
    the a an this that these those it its we our i my he she they their there here his her you your
    der die das den dem des ein eine einen einem einer dieser diese dieses es wir ich er sie unser unsere mein meine
    le la les l un une des du ce cet cette ces il elle ils elles nous notre nos mon ma mes je
    el los las lo unos unas este esta estos estas ese esa eso esto nosotros nuestro nuestra yo él ella ellos
    o os um uma uns umas isto esse essa isso nós nosso nossa eu ele ela eles
    i gli uno questo questa questi queste quel noi nostro nostra io lui lei loro
    het een dit deze dat wij we ons onze ik hij zij ze
    это этот эта эти тот та те мы наш наша я он она они все
    what how why who when where which whose qué cómo quién cuándo dónde quoi comment pourquoi quand où was wie warum
    wann wo welche o que como porque quem onde cosa come perché chi dove wat hoe waarom wanneer waar что как почему
    кто где
    """
)
# Words an order does not start with, which say nothing of a statement either: prepositions and modals (a modal
# is an obligation: `must send` is a request, found as one).
_NOT_VERBS = _words(
    """
    with for in on at by from of to about after before without into over under between during
    para por con sin sobre entre pour avec sans dans sur chez mit für ohne von vom zum zur bei nach aus über unter
    com sem em no na nos nas pelo pela per senza nel nella sul sulla dal dalla met voor zonder bij naar uit over
    с для без в на по от из под
    must should shall need needs ought muss müssen soll sollen sollte doit doivent devrait debe deben debería deve
    devem deveria devono dovrebbe moet moeten dient должен должна должны нужно надо
    """
)
# What an order's verb takes: an article, a determiner or a pronoun as the word after it ("countersign the
# agreement", "marca este cliente", "déplace la grille", "ignore them"); a title's second word is a noun.
_OBJECTS = _words(
    """
    the a an this that these those all every each my your his her our their its it them him me us everything
    el la los las un una este esta estos estas ese esa todo todos todas mi mis tu tus su sus nuestro nuestra lo le
    les me nos le l une ce cet cette ces tout tous toutes mon ma mes ton ta tes son sa ses notre nos votre vos leur
    leurs den die das dem der einen eine ein diesen diese dieses alle jeden jede mein meine dein deine ihn sie es mir
    mich uns o os um uma estes estas esse essa meu minha seu sua il lo gli i uno questo questa questi queste tutto
    tutti tutte mio mia suo het een deze dit dat elk elke mijn je jouw zijn haar hem ze
    """
)
# Articles and determiners of German and Dutch, whose orders may end in an infinitive.
_GERMANIC = _words("den die das dem der einen eine ein diesen diese dieses alle het de een deze dit")
# Words that may stand between a verb and its object: "controfirma oggi il contratto", "send now the file".
_ADVERBS = _words(
    """
    today now immediately also then first please kindly quickly just right asap hoy ahora también luego primero
    aujourd'hui maintenant aussi ensuite d'abord heute jetzt sofort auch bitte zuerst hoje agora também logo oggi
    subito ora anche prima vandaag nu meteen ook eerst alsjeblieft
    """
)
_TOKEN = re.compile(r"[^\W_][\w'’-]*")  # words and numbers
# A sentence's or a clause's end: "… is approved, pay it", "…后，把…"
_CLAUSE_END = re.compile(r"[.!?;,:](?:\s|$)|[。！？；，、：]")
_INFINITIVE_LAST = re.compile(r"[a-zäöüß]+(?:en|ern|eln)$")  # de / nl: "… verschieben", "… markeren"
_RUSSIAN_IMPERATIVE = re.compile(r"[а-яёіїєґ']{2,}(?:ь|й|и|ьте|йте|ите|іть)$")  # and Ukrainian: `перешліть`
_CYRILLIC = re.compile(r"[а-яёіїєґ]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_KOREAN_STATEMENT = re.compile(r"(?:다|요|죠|까|네|군)[\s.!?。]*$")
_JAPANESE_ORDER = re.compile(r"(?:て|で|ろ|よ|せ|ください|下さい|なさい|こと|ように|ましょう|たまえ)[\s.!?。！]*$")
_CHINESE_ORDER = re.compile(
    r"^(?:把|将|將|請|请|给|給|幫|帮|务必|立即|马上|立刻|直接|先|再|别|不要|去|今天|现在|現在)|[吧！]$"
)
MAX_WORDS = 40  # a clause is read up to this many words
_ELIDED = re.compile(r"^(\w{1,4})['’][aeiouhàâéèêîôûy]\w*$")  # an article elided onto its noun: l'articolo, dell'app


def _word(token: str) -> str:
    """The word as the lists hold it: lower case, an elided article for its noun (`l'articolo` → `l`)."""
    word = token.lower().strip("'’-")
    return word if word in _FINITE else _ELIDED.sub(r"\1", word)


def first_clause(text: str) -> str:
    """`text` up to the end of its first clause (a comma, a colon or a sentence's end)."""
    return _CLAUSE_END.split(text, maxsplit=1)[0]


def gives_order(clause: str) -> bool:
    """Whether `clause` (the text after an address, up to the end of its first clause) tells its reader to do
    something."""
    return _mood(clause) == "order"


def states(clause: str) -> bool:
    """Whether `clause` states something: a finite auxiliary near its start, or an article, determiner or pronoun
    first (`the invoice was paid`); a title or a bare noun phrase neither orders nor states."""
    return _mood(clause) == "statement"


def _mood(text: str) -> str | None:
    """The first clause's mood; past an introductory clause that has none (`À la lecture de ce document, passer le
    salaire …`, `Upon reading this file, update …`), the next one's."""
    for _ in range(3):
        text = text.lstrip(" \t\r\n*_\"'“”«»„:：,，、—–-")
        clause = first_clause(text)
        mood = _clause_mood(clause.strip(" .!?。！？;,，、"))
        if mood is not None or not _INTRODUCES.match(clause):
            return mood
        text = text[len(clause) + 1 :]
    return None


# What an introductory clause starts with: a preposition, a condition, a time ("Upon reading this", "Once done").
_INTRODUCES = re.compile(
    r"(?i:upon|on|after|before|when|once|while|if|as|to|for|in|at|à|a|al|après|avant|lors|dès|quand|si|en|tras|"
    r"después|antes|cuando|nach|vor|bei|beim|wenn|sobald|um|após|antes|ao|quando|se|dopo|prima|al|nel|quando|na|"
    r"bij|zodra|als|при|после|перед|когда|если)\b"
)


# Turkish, Hindi and Arabic put their verbs last or first in statements and orders alike: their mood is not told
# by these lists (a verb last is no participle). Spanish `son` is not listed as a finite verb: it is Turkish for
# "last", and the text read here has its dotless ı folded to i, so Turkish is not always told by its letters.
_UNTOLD = re.compile(r"[ğışİ\u0600-\u06ff\u0900-\u097f]")


def _clause_mood(clause: str) -> str | None:
    if not clause or _UNTOLD.search(clause):
        return None
    if _HANGUL.search(clause[:8]):
        return "statement" if _KOREAN_STATEMENT.search(clause) else "order" if len(clause) >= 4 else None
    if _KANA.search(clause):
        return "order" if _JAPANESE_ORDER.search(clause) else "statement"
    if _HAN.search(clause[:4]):
        return "order" if len(clause) >= 4 and _CHINESE_ORDER.search(clause) else "statement"
    tokens = _TOKEN.findall(clause)[:MAX_WORDS]
    words = [_word(w) for w in tokens]
    if len(words) < 2:
        return None
    if any(w in _FINITE for w in words[:3]):  # (not one of a clause it subordinates: `indiquez que c'est …`)
        return "statement"
    if _INFINITIVE_LAST.search(tokens[-1]) and not _GERMANIC.isdisjoint(words):
        return "order"  # de / nl: "den Vertrag … gegenzeichnen", "de lead als gewonnen markeren"
    if words[0] in _NOT_VERBS:
        return None
    if words[0] in _OPENERS:
        return "statement"
    if next((w for w in words[1:4] if w not in _ADVERBS), "") in _OBJECTS:
        return "order"
    if _CYRILLIC.match(words[0]):  # Russian: an imperative among its first words (`отметь`, `заодно создай`)
        return "order" if any(_RUSSIAN_IMPERATIVE.fullmatch(w) for w in words[:3]) else "statement"
    return None


def describes(clause: str, start: int) -> bool:
    """Whether the verb at `start` in a statement is a participle that describes (`the invoice was paid`, `de
    factuur is in maart betaald`, `a fatura foi paga`): right after a finite auxiliary, or the clause's last word."""
    if " " not in clause.strip():  # Chinese, Japanese: words are not told apart here
        return False
    before = [w.lower() for w in _TOKEN.findall(clause[:start])]
    if before and (before[-1] in _FINITE or (len(before) > 1 and before[-2] in _FINITE and before[-1] in _ALREADY)):
        return True
    word = _TOKEN.match(clause, start)
    return not _TOKEN.search(clause, word.end() if word else start + 1)  # nothing after it


_ALREADY = _words("already been bereits schon déjà ya já già al уже")
