using System.Globalization;
using Paydesk.Api.Pages;

namespace Paydesk.Web.Shop;

/// <summary>What the pricing and checkout pages say.</summary>
public sealed class ShopWords
{
    public required Func<string, string> PricingTitle { get; init; }
    public required string NoPlans { get; init; }
    public required string Included { get; init; }
    public required Func<long, CultureInfo, string, string> Sessions { get; init; }
    public required Func<string, string> UseWithin { get; init; }
    public required Func<string, string> ForPeriod { get; init; }
    public required Func<string, string> Badge { get; init; }
    public required Func<long, CultureInfo, string> Tokens { get; init; }
    public required Func<long, CultureInfo, string> TokensEveryPeriod { get; init; }
    public required Func<string, string> Shipped { get; init; }
    public required Func<string, string> Trial { get; init; }
    public required string Term { get; init; }
    public required string Calendar { get; init; }
    public required Func<string, string> PerSession { get; init; }
    public required string Buy { get; init; }
    public required string From { get; init; }
    public required string ConfirmTitle { get; init; }
    public required string YourOrder { get; init; }
    public required string Total { get; init; }
    public required string Included0 { get; init; }
    public required string YourDetails { get; init; }
    public required string Name { get; init; }
    public required string Email { get; init; }
    public required string EmailHint { get; init; }
    public required Func<string, string, string> BuyingAs { get; init; }
    public required string SignInInstead { get; init; }
    public required string PayWith { get; init; }
    public required Func<string, string> Pay { get; init; }
    public required string NotCompleted { get; init; }
    public required string NotCompletedText { get; init; }
    public required string BackToPricing { get; init; }
    public required string NameRequired { get; init; }
    public required string EmailInvalid { get; init; }
    public required string Unavailable { get; init; }

    public static readonly Localized<ShopWords> All = new(
        en: new()
        {
            PricingTitle = merchant => $"{merchant}: prices",
            NoPlans = "Nothing is on sale right now.",
            Included = "What is included",
            Sessions = (n, c, service) => $"{Plural.Count(n, c, "session", "sessions", "sessions")} of {service}",
            UseWithin = period => $"to use within {period}",
            ForPeriod = period => $"for {period}",
            Badge = feature => $"the “{feature}” badge",
            Tokens = (n, c) => Plural.Count(n, c, "token", "tokens", "tokens"),
            TokensEveryPeriod = (n, c) => $"{Plural.Count(n, c, "token", "tokens", "tokens")} every period",
            Shipped = product => $"{product}, shipped to you",
            Trial = period => $"Free trial: {period}",
            Term = "Term",
            Calendar = "When",
            PerSession = amount => $"{amount} a session",
            Buy = "Buy",
            From = "from",
            ConfirmTitle = "Confirm your order",
            YourOrder = "Your order",
            Total = "Total",
            Included0 = "included",
            YourDetails = "Your details",
            Name = "Your name",
            Email = "Email",
            EmailHint = "The receipt and your sign-in link go here.",
            BuyingAs = (name, email) => $"Buying as {name} ({email}).",
            SignInInstead = "Bought here before? Sign in",
            PayWith = "Pay with",
            Pay = amount => $"Pay {amount}",
            NotCompleted = "Payment not completed",
            NotCompletedText = "Nothing was charged and nothing was activated. You can pay again below.",
            BackToPricing = "Back to the prices",
            NameRequired = "Enter your name.",
            EmailInvalid = "Enter an email address like name@example.com.",
            Unavailable = "This choice is not on sale any more; pick again from the prices.",
        },
        ru: new()
        {
            PricingTitle = merchant => $"{merchant}: цены",
            NoPlans = "Сейчас ничего не продаётся.",
            Included = "Что входит",
            Sessions = (n, c, service) => $"{Plural.Count(n, c, "сеанс", "сеанса", "сеансов")}: {service}",
            UseWithin = period => $"использовать в течение {period}",
            ForPeriod = period => $"на {period}",
            Badge = feature => $"значок «{feature}»",
            Tokens = (n, c) => Plural.Count(n, c, "токен", "токена", "токенов"),
            TokensEveryPeriod = (n, c) => $"{Plural.Count(n, c, "токен", "токена", "токенов")} за каждый период",
            Shipped = product => $"{product}, с доставкой",
            Trial = period => $"Бесплатный пробный период: {period}",
            Term = "Срок",
            Calendar = "Время",
            PerSession = amount => $"{amount} за сеанс",
            Buy = "Купить",
            From = "от",
            ConfirmTitle = "Подтвердите заказ",
            YourOrder = "Ваш заказ",
            Total = "Итого",
            Included0 = "включено",
            YourDetails = "Ваши данные",
            Name = "Ваше имя",
            Email = "Эл. почта",
            EmailHint = "Сюда придут чек и ссылка для входа.",
            BuyingAs = (name, email) => $"Покупка от имени {name} ({email}).",
            SignInInstead = "Уже покупали здесь? Войдите",
            PayWith = "Способ оплаты",
            Pay = amount => $"Оплатить {amount}",
            NotCompleted = "Оплата не завершена",
            NotCompletedText = "Деньги не списаны, ничего не активировано. Можно оплатить ещё раз ниже.",
            BackToPricing = "Назад к ценам",
            NameRequired = "Укажите имя.",
            EmailInvalid = "Укажите адрес вида name@example.com.",
            Unavailable = "Этот вариант больше не продаётся; выберите заново на странице цен.",
        },
        ro: new()
        {
            PricingTitle = merchant => $"{merchant}: prețuri",
            NoPlans = "Momentan nu se vinde nimic.",
            Included = "Ce include",
            Sessions = (n, c, service) => $"{Plural.Count(n, c, "ședință", "ședințe", "de ședințe")} de {service}",
            UseWithin = period => $"de folosit în {period}",
            ForPeriod = period => $"pentru {period}",
            Badge = feature => $"insigna „{feature}”",
            Tokens = (n, c) => Plural.Count(n, c, "token", "tokeni", "de tokeni"),
            TokensEveryPeriod = (n, c) => $"{Plural.Count(n, c, "token", "tokeni", "de tokeni")} în fiecare perioadă",
            Shipped = product => $"{product}, livrat la dvs.",
            Trial = period => $"Perioadă de probă gratuită: {period}",
            Term = "Durata",
            Calendar = "Când",
            PerSession = amount => $"{amount} pe ședință",
            Buy = "Cumpărați",
            From = "de la",
            ConfirmTitle = "Confirmați comanda",
            YourOrder = "Comanda dvs.",
            Total = "Total",
            Included0 = "inclus",
            YourDetails = "Datele dvs.",
            Name = "Numele dvs.",
            Email = "E-mail",
            EmailHint = "Aici primiți chitanța și linkul de autentificare.",
            BuyingAs = (name, email) => $"Cumpărați ca {name} ({email}).",
            SignInInstead = "Ați mai cumpărat aici? Autentificați-vă",
            PayWith = "Plătiți cu",
            Pay = amount => $"Plătiți {amount}",
            NotCompleted = "Plata nu a fost finalizată",
            NotCompletedText = "Nu s-a încasat nimic și nu s-a activat nimic. Puteți plăti din nou mai jos.",
            BackToPricing = "Înapoi la prețuri",
            NameRequired = "Introduceți numele.",
            EmailInvalid = "Introduceți o adresă de forma nume@exemplu.com.",
            Unavailable = "Această opțiune nu mai este de vânzare; alegeți din nou din prețuri.",
        });
}
