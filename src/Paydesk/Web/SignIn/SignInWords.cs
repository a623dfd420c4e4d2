using Paydesk.Api.Pages;

namespace Paydesk.Web.SignIn;

/// <summary>What the sign-in pages and their emails say.</summary>
public sealed class SignInWords
{
    public required string SignIn { get; init; }
    public required string SignInStaff { get; init; }
    public required string Email { get; init; }
    public required string Password { get; init; }
    public required string Forgot { get; init; }
    public required string WrongPassword { get; init; }
    public required string TooMany { get; init; }
    public required string ForgotTitle { get; init; }
    public required string ForgotText { get; init; }
    public required string SendLink { get; init; }
    public required string LinkSent { get; init; }
    public required string LinkSentText { get; init; }
    public required string ResetTitle { get; init; }
    public required string NewPassword { get; init; }
    public required string SavePassword { get; init; }
    public required string LinkExpired { get; init; }
    public required Func<int, string> PasswordTooShort { get; init; }
    public required string PasswordSaved { get; init; }
    public required Func<string, string> CustomerTitle { get; init; }
    public required string CustomerText { get; init; }
    public required string EnterEmail { get; init; }
    public required Func<string, string> ConfirmText { get; init; }
    public required string SignOut { get; init; }
    public required string YourPlaces { get; init; }
    public required string AdminOf { get; init; }
    public required string CustomerOf { get; init; }
    public required string NothingHere { get; init; }
    public required string ResetSubject { get; init; }
    public required Func<string, string> ResetMail { get; init; }
    public required Func<string, string> LinkSubject { get; init; }
    public required Func<string, string> LinkMail { get; init; }
    public required string MailIgnore { get; init; }
    public required Func<string, string> InviteSubject { get; init; }
    public required Func<string, string, string> InviteMail { get; init; }
    public required Func<string, string, string> AddedMail { get; init; }

    public static readonly Localized<SignInWords> All = new(
        en: new()
        {
            SignIn = "Sign in",
            SignInStaff = "Sign in to Paydesk",
            Email = "Email",
            Password = "Password",
            Forgot = "Forgot your password?",
            WrongPassword = "The email or the password is not right.",
            TooMany = "Too many failed sign-ins. Wait a few minutes, or reset your password by email.",
            ForgotTitle = "Reset your password",
            ForgotText = "Enter your email, and we will send you a link to set a new password.",
            SendLink = "Send me a link",
            LinkSent = "Check your email",
            LinkSentText = "If that address has an account here, a link is on its way. It works for 30 minutes.",
            ResetTitle = "Set a new password",
            NewPassword = "New password",
            SavePassword = "Save the password and sign in",
            LinkExpired = "This link has expired or was already used. Ask for a new one.",
            PasswordTooShort = n => $"Use at least {n} characters.",
            PasswordSaved = "Your password is saved, and you are signed in.",
            CustomerTitle = merchant => $"Sign in to {merchant}",
            CustomerText = "No password needed: we email you a link that signs you in.",
            EnterEmail = "Enter your email address.",
            ConfirmText = email => $"Sign in as {email}?",
            SignOut = "Sign out",
            YourPlaces = "Your places",
            AdminOf = "Back office",
            CustomerOf = "Your account",
            NothingHere = "Your account has no places yet.",
            ResetSubject = "Reset your Paydesk password",
            ResetMail = url => $"Someone asked to reset the password of this account. To set a new one, open this link within 30 minutes:\n{url}",
            LinkSubject = merchant => $"Your sign-in link for {merchant}",
            LinkMail = url => $"To sign in, open this link within 30 minutes:\n{url}",
            MailIgnore = "If it was not you, ignore this email; nothing changes.",
            InviteSubject = tenant => $"You are invited to {tenant} on Paydesk",
            InviteMail = (tenant, url) => $"You now work in {tenant}'s back office. Set your password with this link within 30 minutes (ask for a new one on the sign-in page if it expires):\n{url}",
            AddedMail = (tenant, url) => $"You now work in {tenant}'s back office too. Sign in as usual:\n{url}",
        },
        ru: new()
        {
            SignIn = "Войти",
            SignInStaff = "Вход в Paydesk",
            Email = "Эл. почта",
            Password = "Пароль",
            Forgot = "Забыли пароль?",
            WrongPassword = "Неверная почта или пароль.",
            TooMany = "Слишком много неудачных попыток входа. Подождите несколько минут или сбросьте пароль по почте.",
            ForgotTitle = "Сброс пароля",
            ForgotText = "Укажите почту, и мы пришлём ссылку для нового пароля.",
            SendLink = "Прислать ссылку",
            LinkSent = "Проверьте почту",
            LinkSentText = "Если у этого адреса есть учётная запись, ссылка уже в пути. Она действует 30 минут.",
            ResetTitle = "Новый пароль",
            NewPassword = "Новый пароль",
            SavePassword = "Сохранить пароль и войти",
            LinkExpired = "Срок действия ссылки истёк, или она уже использована. Запросите новую.",
            PasswordTooShort = n => $"Не короче {n} символов.",
            PasswordSaved = "Пароль сохранён, вы вошли.",
            CustomerTitle = merchant => $"Вход в {merchant}",
            CustomerText = "Пароль не нужен: мы пришлём на почту ссылку для входа.",
            EnterEmail = "Укажите адрес эл. почты.",
            ConfirmText = email => $"Войти как {email}?",
            SignOut = "Выйти",
            YourPlaces = "Ваши разделы",
            AdminOf = "Управление",
            CustomerOf = "Личный кабинет",
            NothingHere = "У вашей учётной записи пока нет разделов.",
            ResetSubject = "Сброс пароля Paydesk",
            ResetMail = url => $"Кто-то запросил сброс пароля этой учётной записи. Чтобы задать новый, откройте ссылку в течение 30 минут:\n{url}",
            LinkSubject = merchant => $"Ссылка для входа в {merchant}",
            LinkMail = url => $"Чтобы войти, откройте ссылку в течение 30 минут:\n{url}",
            MailIgnore = "Если это были не вы, просто проигнорируйте письмо; ничего не изменится.",
            InviteSubject = tenant => $"Приглашение в {tenant} в Paydesk",
            InviteMail = (tenant, url) => $"Теперь у вас есть доступ к управлению {tenant}. Задайте пароль по этой ссылке в течение 30 минут (если срок истечёт, запросите новую на странице входа):\n{url}",
            AddedMail = (tenant, url) => $"Теперь у вас есть доступ и к управлению {tenant}. Входите как обычно:\n{url}",
        },
        ro: new()
        {
            SignIn = "Autentificare",
            SignInStaff = "Autentificare în Paydesk",
            Email = "E-mail",
            Password = "Parolă",
            Forgot = "Ați uitat parola?",
            WrongPassword = "E-mailul sau parola nu sunt corecte.",
            TooMany = "Prea multe încercări eșuate. Așteptați câteva minute sau resetați parola prin e-mail.",
            ForgotTitle = "Resetarea parolei",
            ForgotText = "Introduceți e-mailul și vă trimitem un link pentru a seta o parolă nouă.",
            SendLink = "Trimiteți-mi un link",
            LinkSent = "Verificați e-mailul",
            LinkSentText = "Dacă adresa are un cont aici, linkul este pe drum. Este valabil 30 de minute.",
            ResetTitle = "Setați o parolă nouă",
            NewPassword = "Parola nouă",
            SavePassword = "Salvați parola și autentificați-vă",
            LinkExpired = "Linkul a expirat sau a fost deja folosit. Cereți unul nou.",
            PasswordTooShort = n => $"Folosiți cel puțin {n} caractere.",
            PasswordSaved = "Parola a fost salvată și sunteți autentificat.",
            CustomerTitle = merchant => $"Autentificare la {merchant}",
            CustomerText = "Fără parolă: vă trimitem pe e-mail un link care vă autentifică.",
            EnterEmail = "Introduceți adresa de e-mail.",
            ConfirmText = email => $"Vă autentificați ca {email}?",
            SignOut = "Ieșire",
            YourPlaces = "Secțiunile dvs.",
            AdminOf = "Administrare",
            CustomerOf = "Contul dvs.",
            NothingHere = "Contul dvs. nu are încă nicio secțiune.",
            ResetSubject = "Resetarea parolei Paydesk",
            ResetMail = url => $"Cineva a cerut resetarea parolei acestui cont. Pentru a seta una nouă, deschideți linkul în 30 de minute:\n{url}",
            LinkSubject = merchant => $"Linkul de autentificare la {merchant}",
            LinkMail = url => $"Pentru a vă autentifica, deschideți linkul în 30 de minute:\n{url}",
            MailIgnore = "Dacă nu ați fost dvs., ignorați acest e-mail; nu se schimbă nimic.",
            InviteSubject = tenant => $"Invitație la {tenant} în Paydesk",
            InviteMail = (tenant, url) => $"Acum lucrați în administrarea {tenant}. Setați-vă parola cu acest link în 30 de minute (dacă expiră, cereți altul pe pagina de autentificare):\n{url}",
            AddedMail = (tenant, url) => $"Acum lucrați și în administrarea {tenant}. Autentificați-vă ca de obicei:\n{url}",
        });
}
