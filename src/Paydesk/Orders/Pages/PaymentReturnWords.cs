using Paydesk.Api.Pages;

namespace Paydesk.Orders.Pages;

/// <summary>What the page a buyer returns to from the provider says.</summary>
public sealed class PaymentReturnWords
{
    public required string Received { get; init; }
    public required string ReceivedText { get; init; }
    /// <summary>A checkout that charged nothing and kept the card (a free trial, a new card for a subscription).</summary>
    public required string CardKept { get; init; }
    public required string CardKeptText { get; init; }
    public required string Activating { get; init; }
    public required string ActivatingText { get; init; }
    public required string ActivationDelayedText { get; init; }
    public required string Confirming { get; init; }
    public required string ConfirmingText { get; init; }
    public required string NotCompleted { get; init; }
    public required string CanceledText { get; init; }
    public required string Declined { get; init; }
    public required string DeclinedText { get; init; }
    public required string ExpiredText { get; init; }
    public required string Refunded { get; init; }
    public required string RefundedText { get; init; }
    public required string PartlyRefunded { get; init; }
    public required Func<string, string> PartlyRefundedText { get; init; }
    public required string ActiveNow { get; init; }
    public required string YourOrder { get; init; }
    public required string Total { get; init; }
    public required string Included { get; init; }
    public required string ViewInvoice { get; init; }
    public required string TryAgain { get; init; }
    public required string Back { get; init; }
    public required string UpdatesItself { get; init; }
    public required string Refresh { get; init; }
    public required string Reference { get; init; }

    public static readonly Localized<PaymentReturnWords> All = new(
        en: new()
        {
            Received = "Payment received",
            ReceivedText = "Thank you. Everything you bought is active, and a confirmation is on its way to your email.",
            CardKept = "Card saved",
            CardKeptText = "Nothing was charged now: your card is kept for the charges to come, and you can change it from your account.",
            Activating = "Payment received",
            ActivatingText = "Thank you. We are activating what you bought; this takes a moment.",
            ActivationDelayedText = "Thank you. Activating what you bought is taking longer than it should; it is retried on its own, and the merchant can see it. Nothing more is charged.",
            Confirming = "Confirming your payment…",
            ConfirmingText = "We are waiting for the payment provider to confirm it. This page updates itself; you may also close it.",
            NotCompleted = "Payment not completed",
            CanceledText = "You canceled the payment. Nothing was charged and nothing was activated.",
            Declined = "Payment declined",
            DeclinedText = "The payment was declined by the card's bank or the provider. Nothing was charged. You can try again, with another card if you like.",
            ExpiredText = "The payment page expired before the payment was made. Nothing was charged.",
            Refunded = "Payment refunded",
            RefundedText = "This payment was refunded in full, and what it paid for is no longer active.",
            PartlyRefunded = "Payment partly refunded",
            PartlyRefundedText = amount => $"{amount} of this payment was refunded.",
            ActiveNow = "Active now",
            YourOrder = "Your order",
            Total = "Total",
            Included = "included",
            ViewInvoice = "View and print your invoice",
            TryAgain = "Try again",
            Back = "Back to where you were",
            UpdatesItself = "This page updates itself.",
            Refresh = "Refresh now",
            Reference = "Payment reference",
        },
        ru: new()
        {
            Received = "Оплата получена",
            ReceivedText = "Спасибо. Всё, что вы купили, активно, подтверждение отправлено вам на почту.",
            CardKept = "Карта сохранена",
            CardKeptText = "Сейчас ничего не списано: карта сохранена для будущих списаний, сменить её можно в личном кабинете.",
            Activating = "Оплата получена",
            ActivatingText = "Спасибо. Мы активируем вашу покупку, это займёт несколько секунд.",
            ActivationDelayedText = "Спасибо. Активация покупки задерживается; она повторяется автоматически, и продавец это видит. Больше ничего не списано.",
            Confirming = "Подтверждаем оплату…",
            ConfirmingText = "Ждём подтверждения от платёжной системы. Страница обновляется сама; её можно закрыть.",
            NotCompleted = "Оплата не завершена",
            CanceledText = "Вы отменили оплату. Деньги не списаны, ничего не активировано.",
            Declined = "Платёж отклонён",
            DeclinedText = "Банк карты или платёжная система отклонили платёж. Деньги не списаны. Можно попробовать ещё раз, в том числе с другой картой.",
            ExpiredText = "Срок страницы оплаты истёк до оплаты. Деньги не списаны.",
            Refunded = "Платёж возвращён",
            RefundedText = "Этот платёж возвращён полностью, и оплаченное им больше не активно.",
            PartlyRefunded = "Платёж возвращён частично",
            PartlyRefundedText = amount => $"Из этого платежа возвращено {amount}.",
            ActiveNow = "Уже активно",
            YourOrder = "Ваш заказ",
            Total = "Итого",
            Included = "включено",
            ViewInvoice = "Открыть и распечатать счёт",
            TryAgain = "Попробовать ещё раз",
            Back = "Вернуться назад",
            UpdatesItself = "Страница обновляется сама.",
            Refresh = "Обновить сейчас",
            Reference = "Номер платежа",
        },
        ro: new()
        {
            Received = "Plata a fost primită",
            ReceivedText = "Vă mulțumim. Tot ce ați cumpărat este activ, iar confirmarea a fost trimisă pe e-mail.",
            CardKept = "Cardul a fost salvat",
            CardKeptText = "Acum nu s-a încasat nimic: cardul este păstrat pentru încasările viitoare și îl puteți schimba din contul dvs.",
            Activating = "Plata a fost primită",
            ActivatingText = "Vă mulțumim. Activăm ce ați cumpărat; durează câteva clipe.",
            ActivationDelayedText = "Vă mulțumim. Activarea durează mai mult decât ar trebui; se reia automat, iar comerciantul o vede. Nu se mai încasează nimic.",
            Confirming = "Confirmăm plata…",
            ConfirmingText = "Așteptăm confirmarea procesatorului de plăți. Pagina se actualizează singură; o puteți și închide.",
            NotCompleted = "Plata nu a fost finalizată",
            CanceledText = "Ați anulat plata. Nu s-a încasat nimic și nu s-a activat nimic.",
            Declined = "Plata a fost refuzată",
            DeclinedText = "Banca emitentă a cardului sau procesatorul a refuzat plata. Nu s-a încasat nimic. Puteți încerca din nou, eventual cu alt card.",
            ExpiredText = "Pagina de plată a expirat înainte de plată. Nu s-a încasat nimic.",
            Refunded = "Plata a fost rambursată",
            RefundedText = "Această plată a fost rambursată integral, iar ce a plătit nu mai este activ.",
            PartlyRefunded = "Plata a fost rambursată parțial",
            PartlyRefundedText = amount => $"Din această plată s-au rambursat {amount}.",
            ActiveNow = "Activ acum",
            YourOrder = "Comanda dvs.",
            Total = "Total",
            Included = "inclus",
            ViewInvoice = "Vedeți și tipăriți factura",
            TryAgain = "Încercați din nou",
            Back = "Înapoi de unde ați venit",
            UpdatesItself = "Pagina se actualizează singură.",
            Refresh = "Actualizați acum",
            Reference = "Referința plății",
        });
}
