using Paydesk.Api.Pages;
using Paydesk.Core;
using Paydesk.Entitlements;
using Paydesk.Payments;

namespace Paydesk.Web.Admin;

/// <summary>What the back office's payment and shipment pages say, besides the words every page shares (<see cref="AdminWords"/>).</summary>
public sealed class AdminOperationsWords
{
    public required string Shipments { get; init; }
    public required string Provider { get; init; }
    public required string ForOrder { get; init; }
    public required Func<string, string> NeedsReview { get; init; }
    public required string UpdatesItself { get; init; }
    public required string CheckNow { get; init; }
    public required string CheckHint { get; init; }
    public required string AdminsCheck { get; init; }
    public required string Operations { get; init; }
    public required string Kind { get; init; }
    public required string WhatHappened { get; init; }
    public required string Refunds { get; init; }
    public required IReadOnlyDictionary<RefundStatus, string> RefundStatuses { get; init; }
    public required string Product { get; init; }
    public required string Quantity { get; init; }
    public required string ShipTo { get; init; }
    public required string NoAddress { get; init; }
    public required string Tracking { get; init; }
    public required string FollowParcel { get; init; }
    public required string Carrier { get; init; }
    public required string TrackingNumber { get; init; }
    public required string TrackingUrl { get; init; }
    public required string Optional { get; init; }
    public required string MarkShipped { get; init; }
    public required string MarkShippedHint { get; init; }
    public required string MarkDelivered { get; init; }
    public required IReadOnlyDictionary<ShipmentStatus, string> ShipmentStatuses { get; init; }

    public static readonly Localized<AdminOperationsWords> All = new(
        en: new()
        {
            Shipments = "Shipments", Provider = "Provider", ForOrder = "For order", NeedsReview = reason => $"A person must look: {reason}",
            UpdatesItself = "This part updates itself until the payment is settled.", CheckNow = "Check with the provider now",
            CheckHint = "Asks the provider what became of the payment and records its answer.", AdminsCheck = "Only the tenant's admins may ask the provider.",
            Operations = "Operations log", Kind = "Kind", WhatHappened = "What happened", Refunds = "Refunds",
            RefundStatuses = new Dictionary<RefundStatus, string> { [RefundStatus.Requested] = "requested", [RefundStatus.Succeeded] = "done", [RefundStatus.Failed] = "failed" },
            Product = "Product", Quantity = "Quantity", ShipTo = "Ship to", NoAddress = "No address yet", Tracking = "Tracking", FollowParcel = "Follow the parcel",
            Carrier = "Carrier", TrackingNumber = "Tracking number", TrackingUrl = "Tracking link", Optional = "optional",
            MarkShipped = "Mark shipped", MarkShippedHint = "The customer is emailed the tracking, once.", MarkDelivered = "Mark delivered",
            ShipmentStatuses = new Dictionary<ShipmentStatus, string> { [ShipmentStatus.Placed] = "placed", [ShipmentStatus.Shipped] = "shipped", [ShipmentStatus.Delivered] = "delivered", [ShipmentStatus.Canceled] = "canceled (refunded)" },
        },
        ru: new()
        {
            Shipments = "Отправления", Provider = "Провайдер", ForOrder = "По заказу", NeedsReview = reason => $"Нужна ручная проверка: {reason}",
            UpdatesItself = "Этот блок обновляется сам, пока платёж не завершён.", CheckNow = "Проверить у провайдера сейчас",
            CheckHint = "Запрашивает у провайдера, что стало с платежом, и записывает ответ.", AdminsCheck = "Запрашивать провайдера могут только администраторы.",
            Operations = "Журнал операций", Kind = "Тип", WhatHappened = "Что произошло", Refunds = "Возвраты",
            RefundStatuses = new Dictionary<RefundStatus, string> { [RefundStatus.Requested] = "запрошен", [RefundStatus.Succeeded] = "выполнен", [RefundStatus.Failed] = "не удался" },
            Product = "Товар", Quantity = "Количество", ShipTo = "Адрес доставки", NoAddress = "Адреса пока нет", Tracking = "Отслеживание", FollowParcel = "Отследить посылку",
            Carrier = "Перевозчик", TrackingNumber = "Трек-номер", TrackingUrl = "Ссылка для отслеживания", Optional = "необязательно",
            MarkShipped = "Отметить отправленным", MarkShippedHint = "Клиент один раз получит письмо с данными для отслеживания.", MarkDelivered = "Отметить доставленным",
            ShipmentStatuses = new Dictionary<ShipmentStatus, string> { [ShipmentStatus.Placed] = "оформлено", [ShipmentStatus.Shipped] = "отправлено", [ShipmentStatus.Delivered] = "доставлено", [ShipmentStatus.Canceled] = "отменено (возврат)" },
        },
        ro: new()
        {
            Shipments = "Expedieri", Provider = "Furnizor", ForOrder = "Pentru comanda", NeedsReview = reason => $"Trebuie verificată de o persoană: {reason}",
            UpdatesItself = "Această parte se actualizează singură până când plata se încheie.", CheckNow = "Verificați acum la furnizor",
            CheckHint = "Întreabă furnizorul ce s-a întâmplat cu plata și înregistrează răspunsul.", AdminsCheck = "Doar administratorii pot întreba furnizorul.",
            Operations = "Jurnalul operațiunilor", Kind = "Tip", WhatHappened = "Ce s-a întâmplat", Refunds = "Rambursări",
            RefundStatuses = new Dictionary<RefundStatus, string> { [RefundStatus.Requested] = "solicitată", [RefundStatus.Succeeded] = "efectuată", [RefundStatus.Failed] = "eșuată" },
            Product = "Produs", Quantity = "Cantitate", ShipTo = "Adresa de livrare", NoAddress = "Încă fără adresă", Tracking = "Urmărire", FollowParcel = "Urmăriți coletul",
            Carrier = "Curier", TrackingNumber = "Număr de urmărire", TrackingUrl = "Link de urmărire", Optional = "opțional",
            MarkShipped = "Marcați ca expediată", MarkShippedHint = "Clientul primește o singură dată un e-mail cu datele de urmărire.", MarkDelivered = "Marcați ca livrată",
            ShipmentStatuses = new Dictionary<ShipmentStatus, string> { [ShipmentStatus.Placed] = "înregistrată", [ShipmentStatus.Shipped] = "expediată", [ShipmentStatus.Delivered] = "livrată", [ShipmentStatus.Canceled] = "anulată (rambursată)" },
        });
}
