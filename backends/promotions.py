"""The partner offers of the loyalty programme (TMF671 promotions): static, shared by the
data set (which activates some of them) and the loyalty service (which serves them)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PromotionType(StrEnum):
    DISCOUNT = "discount"
    CASHBACK = "cashback"
    GIFT = "gift"


@dataclass(frozen=True, slots=True)
class Promotion:
    id: str
    name: str
    description: str
    type: PromotionType
    partner_id: str
    partner_name: str
    code_prefix: str  # promo codes read like TAXI-7Q4F


PROMOTIONS: tuple[Promotion, ...] = (
    Promotion(
        "PROMO-1",
        "Скидка 20% на такси",
        "Скидка 20% на пять поездок в месяц.",
        PromotionType.DISCOUNT,
        "partner-taxi",
        "Такси Ветер",
        "TAXI",
    ),
    Promotion(
        "PROMO-2",
        "Кэшбэк 10% в супермаркете",
        "Возврат 10% стоимости покупок баллами.",
        PromotionType.CASHBACK,
        "partner-grocery",
        "Супермаркет Берёзка",
        "SHOP",
    ),
    Promotion(
        "PROMO-3",
        "Онлайн-кинотеатр на 30 дней",
        "Месяц подписки на фильмы и сериалы в подарок.",
        PromotionType.GIFT,
        "partner-cinema",
        "Кино Онлайн",
        "KINO",
    ),
    Promotion(
        "PROMO-4",
        "Скидка 15% на доставку еды",
        "Скидка на первые три заказа.",
        PromotionType.DISCOUNT,
        "partner-food",
        "Еда Быстро",
        "FOOD",
    ),
    Promotion(
        "PROMO-5",
        "Кэшбэк 5% на АЗС",
        "Возврат 5% стоимости топлива.",
        PromotionType.CASHBACK,
        "partner-fuel",
        "АЗС Дорога",
        "FUEL",
    ),
    Promotion(
        "PROMO-6",
        "Электронная книга в подарок",
        "Любая книга из каталога бесплатно.",
        PromotionType.GIFT,
        "partner-books",
        "Книжная полка",
        "BOOK",
    ),
    Promotion(
        "PROMO-7",
        "Скидка 10% на авиабилеты",
        "Скидка на перелёты по России.",
        PromotionType.DISCOUNT,
        "partner-avia",
        "Авиа Крылья",
        "AVIA",
    ),
    Promotion(
        "PROMO-8",
        "Кэшбэк 7% в аптеке",
        "Возврат 7% стоимости покупок.",
        PromotionType.CASHBACK,
        "partner-pharmacy",
        "Аптека Здоровье",
        "PHARM",
    ),
)

PROMOTIONS_BY_ID = {promotion.id: promotion for promotion in PROMOTIONS}
