using Paydesk.Api.Pages;

namespace Paydesk.Web.Admin;

/// <summary>What the back office's payment provider page says.</summary>
public sealed class ProviderWords
{
    public required string Providers { get; init; }
    public required Func<string, string> Add { get; init; }
    public required string Name { get; init; }
    public required string Mode { get; init; }
    public required IReadOnlyDictionary<string, string> Modes { get; init; }
    public required string Active { get; init; }
    public required string Disabled { get; init; }
    public required string Default { get; init; }
    public required string MakeDefault { get; init; }
    public required string Disable { get; init; }
    public required string Enable { get; init; }
    public required string Check { get; init; }
    public required string CredentialsSet { get; init; }
    public required string NotificationUrl { get; init; }
    public required string NotificationHint { get; init; }
    public required string SuccessUrl { get; init; }
    public required string FailUrl { get; init; }
    public required string ReturnHint { get; init; }
    public required string Edit { get; init; }
    public required string KeepHint { get; init; }
    public required string SealedHint { get; init; }
    public required string Save { get; init; }
    public required string Login { get; init; }
    public required string HashAlgorithm { get; init; }
    public required string None { get; init; }
    public required IReadOnlyDictionary<string, string> Credentials { get; init; }
    public required string Receipts { get; init; }
    public required string ReceiptsHint { get; init; }
    public required string IssueReceipts { get; init; }
    public required string Taxation { get; init; }
    public required IReadOnlyDictionary<string, string> Taxations { get; init; }
    public required string Vat { get; init; }
    public required IReadOnlyDictionary<string, string> VatRates { get; init; }

    /// <summary>A provider as people call it.</summary>
    public static string Brand(string provider) => provider switch
    {
        "stripe" => "Stripe",
        "tbank" => "T-Bank",
        "robokassa" => "Robokassa",
        "mock" => "Mock",
        _ => provider,
    };

    public static readonly Localized<ProviderWords> All = new(
        en: new()
        {
            Providers = "Payment providers", Add = p => $"Add a {p} account", Name = "Name", Mode = "Mode",
            Modes = new Dictionary<string, string> { ["test"] = "test (no real money)", ["live"] = "live" },
            Active = "active", Disabled = "disabled", Default = "default", MakeDefault = "Make it the default", Disable = "Disable", Enable = "Enable", Check = "Check connection",
            CredentialsSet = "Credentials set", NotificationUrl = "Notification address",
            NotificationHint = "Give this address to the provider: Stripe's webhook endpoint, T-Bank's NotificationURL, Robokassa's Result URL.",
            SuccessUrl = "Success URL", FailUrl = "Fail URL", ReturnHint = "Set both in Robokassa's cabinet (Technical settings), method GET: Paydesk sends the customer back to where the payment was started from.",
            Edit = "Change", KeepHint = "Leave a credential empty to keep the one that is set.",
            SealedHint = "Credentials are encrypted as they arrive and never shown again, here or in the API.", Save = "Save",
            Login = "Shop identifier (MerchantLogin)", HashAlgorithm = "Hash algorithm (as set in the cabinet)", None = "No accounts yet.",
            Receipts = "Fiscal receipts (54-FZ)",
            ReceiptsHint = "For payments through T-Bank and Robokassa: a receipt with each payment, and one that closes a prepaid package once it is used.",
            IssueReceipts = "Issue fiscal receipts", Taxation = "Tax regime",
            Taxations = new Dictionary<string, string>
            {
                ["osn"] = "general (ОСН)", ["usn_income"] = "simplified, income (УСН доходы)", ["usn_income_outcome"] = "simplified, income minus expenses (УСН доходы − расходы)",
                ["esn"] = "unified agricultural tax (ЕСХН)", ["patent"] = "patent (ПСН)",
            },
            Vat = "VAT rate", VatRates = new Dictionary<string, string> { ["none"] = "no VAT", ["vat0"] = "0 %", ["vat10"] = "10 %", ["vat20"] = "20 %" },
            Credentials = new Dictionary<string, string>
            {
                ["secretKey"] = "Secret key", ["webhookSecret"] = "Webhook signing secret", ["terminalKey"] = "TerminalKey", ["password"] = "Password",
                ["password1"] = "Password #1", ["password2"] = "Password #2",
            },
        },
        ru: new()
        {
            Providers = "Платёжные системы", Add = p => $"Добавить аккаунт {p}", Name = "Название", Mode = "Режим",
            Modes = new Dictionary<string, string> { ["test"] = "тестовый (без настоящих денег)", ["live"] = "боевой" },
            Active = "включён", Disabled = "выключен", Default = "по умолчанию", MakeDefault = "Сделать основным", Disable = "Выключить", Enable = "Включить", Check = "Проверить подключение",
            CredentialsSet = "Заданы ключи", NotificationUrl = "Адрес уведомлений",
            NotificationHint = "Укажите этот адрес у платёжной системы: вебхук Stripe, NotificationURL Т-Банка, Result URL Робокассы.",
            SuccessUrl = "Success URL", FailUrl = "Fail URL", ReturnHint = "Укажите оба адреса в личном кабинете Robokassa (Технические настройки), метод GET: Paydesk вернёт покупателя туда, откуда начата оплата.",
            Edit = "Изменить", KeepHint = "Оставьте поле пустым, чтобы сохранить заданный ключ.",
            SealedHint = "Ключи шифруются при получении и больше нигде не показываются — ни здесь, ни в API.", Save = "Сохранить",
            Login = "Идентификатор магазина (MerchantLogin)", HashAlgorithm = "Алгоритм хеша (как в личном кабинете)", None = "Аккаунтов пока нет.",
            Receipts = "Фискальные чеки (54-ФЗ)",
            ReceiptsHint = "Для оплат через Т-Банк и Робокассу: чек к каждой оплате и чек, закрывающий предоплаченный пакет, когда он использован.",
            IssueReceipts = "Выдавать фискальные чеки", Taxation = "Система налогообложения",
            Taxations = new Dictionary<string, string>
            {
                ["osn"] = "общая (ОСН)", ["usn_income"] = "упрощённая, доходы (УСН доходы)", ["usn_income_outcome"] = "упрощённая, доходы минус расходы (УСН доходы − расходы)",
                ["esn"] = "единый сельскохозяйственный налог (ЕСХН)", ["patent"] = "патентная (ПСН)",
            },
            Vat = "Ставка НДС", VatRates = new Dictionary<string, string> { ["none"] = "без НДС", ["vat0"] = "0 %", ["vat10"] = "10 %", ["vat20"] = "20 %" },
            Credentials = new Dictionary<string, string>
            {
                ["secretKey"] = "Секретный ключ", ["webhookSecret"] = "Секрет подписи вебхуков", ["terminalKey"] = "TerminalKey", ["password"] = "Пароль",
                ["password1"] = "Пароль №1", ["password2"] = "Пароль №2",
            },
        },
        ro: new()
        {
            Providers = "Procesatori de plăți", Add = p => $"Adăugați un cont {p}", Name = "Nume", Mode = "Mod",
            Modes = new Dictionary<string, string> { ["test"] = "test (fără bani reali)", ["live"] = "real" },
            Active = "activ", Disabled = "dezactivat", Default = "implicit", MakeDefault = "Faceți-l implicit", Disable = "Dezactivați", Enable = "Activați", Check = "Verificați conexiunea",
            CredentialsSet = "Chei setate", NotificationUrl = "Adresa de notificări",
            NotificationHint = "Dați această adresă procesatorului: endpointul de webhook Stripe, NotificationURL T-Bank, Result URL Robokassa.",
            SuccessUrl = "Success URL", FailUrl = "Fail URL", ReturnHint = "Setați ambele adrese în cabinetul Robokassa (Setări tehnice), metoda GET: Paydesk trimite clientul înapoi de unde a început plata.",
            Edit = "Modificați", KeepHint = "Lăsați câmpul gol pentru a păstra cheia setată.",
            SealedHint = "Cheile sunt criptate la sosire și nu mai sunt arătate niciodată, nici aici, nici în API.", Save = "Salvați",
            Login = "Identificatorul magazinului (MerchantLogin)", HashAlgorithm = "Algoritmul de hash (ca în cabinet)", None = "Niciun cont încă.",
            Receipts = "Bonuri fiscale (54-FZ, Rusia)",
            ReceiptsHint = "Pentru plățile prin T-Bank și Robokassa: un bon la fiecare plată și unul care închide un pachet plătit în avans, când este folosit.",
            IssueReceipts = "Emiteți bonuri fiscale", Taxation = "Regim fiscal",
            Taxations = new Dictionary<string, string>
            {
                ["osn"] = "general (ОСН)", ["usn_income"] = "simplificat, venituri (УСН)", ["usn_income_outcome"] = "simplificat, venituri minus cheltuieli (УСН)",
                ["esn"] = "impozit agricol unic (ЕСХН)", ["patent"] = "patentă (ПСН)",
            },
            Vat = "Cota TVA", VatRates = new Dictionary<string, string> { ["none"] = "fără TVA", ["vat0"] = "0 %", ["vat10"] = "10 %", ["vat20"] = "20 %" },
            Credentials = new Dictionary<string, string>
            {
                ["secretKey"] = "Cheia secretă", ["webhookSecret"] = "Secretul de semnare a webhook-urilor", ["terminalKey"] = "TerminalKey", ["password"] = "Parola",
                ["password1"] = "Parola nr. 1", ["password2"] = "Parola nr. 2",
            },
        });
}
