using Paydesk.Api.Pages;

namespace Paydesk.Notifications.Email;

/// <summary>
/// The words every message to a customer shares: the greeting, and an order named by its id where
/// no invoice number names it yet. Each message has its own catalog for the rest.
/// </summary>
public sealed class MessageWords
{
    public required Func<string, string> Hello { get; init; }
    public required Func<string, string> Order { get; init; }

    public static readonly Localized<MessageWords> All = new(
        en: new()
        {
            Hello = name => $"Hello {name},",
            Order = id => $"order {id}",
        },
        ru: new()
        {
            Hello = name => $"Здравствуйте, {name}!",
            Order = id => $"заказ {id}",
        },
        ro: new()
        {
            Hello = name => $"Bună ziua, {name},",
            Order = id => $"comanda {id}",
        });
}
