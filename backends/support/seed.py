"""The conversations every support simulator starts with, the same for any world size
or seed (they involve only the well-known numbers of docs/backends.md, which every world
has) and dated relative to the world's today.

| id | number | status |
|---|---|---|
| PI-1 | +79000000007 (pay as you go) | closed: a question about changing tariff |
| PI-2 | +79000000002 (balance 0) | open, escalated to ticket TT-1 |
| PI-3 | +79000000003 (balance -150) | open: why the balance is negative |
| PI-4 | +79000000004 (unlimited data) | open: slow internet in the evening |

They go through the same rules as a client's requests, in the order of their last
activity, so newest-activity-first lists PI-4, PI-3, PI-2, PI-1. The demo subscriber
+79000000001 has none.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from backends.dataset import (
    NEGATIVE_BALANCE_MSISDN,
    PAY_AS_YOU_GO_MSISDN,
    UNLIMITED_DATA_MSISDN,
    ZERO_BALANCE_MSISDN,
)
from backends.kit.timestamps import midnight
from backends.support.authors import agent
from backends.support.conversations import close, start, write
from backends.support.escalation import TicketRequest, escalate
from backends.support.state import SupportState

OLGA = agent("Ольга")
DMITRY = agent("Дмитрий")


def seed(state: SupportState) -> None:
    def at(days_ago: int, hour: int, minute: int) -> datetime:
        return midnight(state.world.today - timedelta(days=days_ago)) + timedelta(
            hours=hour, minutes=minute
        )

    tariff, _ = start(
        state,
        PAY_AS_YOU_GO_MSISDN,
        "Смена тарифа",
        None,
        (None, "Здравствуйте! Хочу тариф с пакетом минут вместо «Классического». Что посоветуете?"),
        at(5, 11, 2),
    )
    write(
        state,
        tariff,
        DMITRY,
        "Добрый день! Посмотрите «Мой разговор»: 1500 минут и 15 ГБ за 450 ₽ в месяц. "
        "Сменить тариф можно в приложении, в разделе «Тариф».",
        at(5, 11, 9),
    )
    write(state, tariff, PAY_AS_YOU_GO_MSISDN, "Спасибо, подумаю.", at(5, 11, 15))
    close(state, tariff, at(5, 11, 20))

    charge, _ = start(
        state,
        ZERO_BALANCE_MSISDN,
        "Списание без причины",
        None,
        (
            None,
            "Вчера списали все деньги с баланса, хотя я ничего не подключал. Теперь на счёте 0.",
        ),
        at(2, 14, 30),
    )
    write(
        state,
        charge,
        OLGA,
        "Вижу списание, уточню у коллег из биллинга. Передаю ваше обращение дальше.",
        at(2, 14, 41),
    )
    escalate(
        state,
        TicketRequest(
            msisdn=ZERO_BALANCE_MSISDN,
            conversation_id=charge.id,
            name=None,
            description="Абонент оспаривает списание всего баланса; платных услуг не подключал.",
            severity="Major",
            ticket_type="complaint",
        ),
        at(2, 14, 42),
    )

    negative, _ = start(
        state,
        NEGATIVE_BALANCE_MSISDN,
        "Отрицательный баланс",
        None,
        (None, "Почему у меня на балансе минус 150 рублей? Я не звонил в роуминге."),
        at(1, 10, 5),
    )
    write(
        state,
        negative,
        OLGA,
        "Здравствуйте! Минус мог появиться из-за абонентской платы, списанной при нулевом "
        "балансе. Проверяю списания за месяц.",
        at(1, 10, 12),
    )
    write(state, negative, NEGATIVE_BALANCE_MSISDN, "Спасибо, жду ответа.", at(1, 10, 30))

    speed, _ = start(
        state,
        UNLIMITED_DATA_MSISDN,
        "Скорость интернета",
        None,
        (None, "На безлимитном тарифе вечером очень медленный интернет. Это ограничение?"),
        at(1, 18, 20),
    )
    write(
        state,
        speed,
        DMITRY,
        "Добрый вечер! На тарифе «Безлимит» скорость не ограничивается. "
        "Подскажите, в каком районе вы находитесь?",
        at(1, 18, 40),
    )
