using Paydesk.Api.Pages;
using Paydesk.Jobs;

namespace Paydesk.Web.Admin;

/// <summary>What the back office's API key and job pages say.</summary>
public sealed class AdminSettingsWords
{
    public required string ApiKeys { get; init; }
    public required string Jobs { get; init; }
    public required string Name { get; init; }
    public required string Role { get; init; }
    public required string Hint { get; init; }
    public required string Created { get; init; }
    public required string Expires { get; init; }
    public required string Revoked { get; init; }
    public required string Never { get; init; }
    public required string NotRevoked { get; init; }
    public required string Admin { get; init; }
    public required string Staff { get; init; }
    public required string ListHint { get; init; }
    public required string NewKey { get; init; }
    public required string NameHint { get; init; }
    public required string RoleHint { get; init; }
    public required string CreateKey { get; init; }
    public required string SecretOnce { get; init; }
    public required string Secret { get; init; }
    public required string Revoke { get; init; }
    public required Func<string, string> RevokeKey { get; init; }
    public required string KeyRevoked { get; init; }
    public required string Kind { get; init; }
    public required string Subject { get; init; }
    public required string State { get; init; }
    public required string Attempts { get; init; }
    public required string DueOrFinished { get; init; }
    public required string LastError { get; init; }
    public required string JobsHint { get; init; }
    public required string Retry { get; init; }
    public required Func<string, string> RetryJob { get; init; }
    public required string JobRetried { get; init; }
    public required IReadOnlyDictionary<JobState, string> States { get; init; }

    public static readonly Localized<AdminSettingsWords> All = new(
        en: new()
        {
            ApiKeys = "API keys", Jobs = "Jobs", Name = "Name", Role = "Role", Hint = "Ends in", Created = "Created", Expires = "Expires",
            Revoked = "Revoked", Never = "never", NotRevoked = "active", Admin = "admin", Staff = "staff",
            ListHint = "The keys your programs use to call the API. Their secrets are never shown here again.",
            NewKey = "New key", NameHint = "Say what uses it, e.g. “Website”.", RoleHint = "Staff keys cannot issue keys or refund.",
            CreateKey = "Create the key",
            SecretOnce = "Copy the secret now and keep it safe: it is shown only this once, and no one can show it to you again.",
            Secret = "Secret of the new key", Revoke = "Revoke", RevokeKey = name => $"Revoke the key {name}",
            KeyRevoked = "The key was revoked; the API no longer accepts it.",
            Kind = "Kind", Subject = "Subject", State = "State", Attempts = "Attempts", DueOrFinished = "Due / finished", LastError = "Last error",
            JobsHint = "Work done in the background. A dead job failed as often as it may and waits for you: retry it once its cause is fixed.",
            Retry = "Retry", RetryJob = kind => $"Retry the {kind} job", JobRetried = "The job runs again now.",
            States = new Dictionary<JobState, string>
            {
                [JobState.Queued] = "queued", [JobState.Running] = "running", [JobState.Done] = "done", [JobState.Dead] = "dead",
            },
        },
        ru: new()
        {
            ApiKeys = "Ключи API", Jobs = "Задачи", Name = "Название", Role = "Роль", Hint = "Оканчивается на", Created = "Создан", Expires = "Истекает",
            Revoked = "Отозван", Never = "никогда", NotRevoked = "действует", Admin = "администратор", Staff = "сотрудник",
            ListHint = "Ключи, с которыми ваши программы обращаются к API. Их секреты здесь больше не показываются.",
            NewKey = "Новый ключ", NameHint = "Укажите, кто им пользуется, например «Сайт».", RoleHint = "Ключ сотрудника не может выдавать ключи и делать возвраты.",
            CreateKey = "Создать ключ",
            SecretOnce = "Скопируйте секрет сейчас и сохраните его: он показан только один раз, и больше его никто не покажет.",
            Secret = "Секрет нового ключа", Revoke = "Отозвать", RevokeKey = name => $"Отозвать ключ {name}",
            KeyRevoked = "Ключ отозван: API его больше не принимает.",
            Kind = "Вид", Subject = "Объект", State = "Состояние", Attempts = "Попытки", DueOrFinished = "Срок / завершена", LastError = "Последняя ошибка",
            JobsHint = "Работа, которая идёт в фоне. Остановленная задача исчерпала все попытки и ждёт вас: запустите её снова, когда причина устранена.",
            Retry = "Повторить", RetryJob = kind => $"Повторить задачу {kind}", JobRetried = "Задача запущена снова.",
            States = new Dictionary<JobState, string>
            {
                [JobState.Queued] = "в очереди", [JobState.Running] = "выполняется", [JobState.Done] = "выполнена", [JobState.Dead] = "остановлена",
            },
        },
        ro: new()
        {
            ApiKeys = "Chei API", Jobs = "Sarcini", Name = "Nume", Role = "Rol", Hint = "Se termină în", Created = "Creată", Expires = "Expiră",
            Revoked = "Revocată", Never = "niciodată", NotRevoked = "activă", Admin = "administrator", Staff = "personal",
            ListHint = "Cheile cu care programele dumneavoastră apelează API-ul. Secretele lor nu mai sunt afișate aici.",
            NewKey = "Cheie nouă", NameHint = "Spuneți ce o folosește, de exemplu „Site”.", RoleHint = "Cheile personalului nu pot emite chei și nu pot rambursa.",
            CreateKey = "Creați cheia",
            SecretOnce = "Copiați secretul acum și păstrați-l în siguranță: este afișat doar această dată și nimeni nu vi-l mai poate arăta.",
            Secret = "Secretul cheii noi", Revoke = "Revocați", RevokeKey = name => $"Revocați cheia {name}",
            KeyRevoked = "Cheia a fost revocată; API-ul nu o mai acceptă.",
            Kind = "Tip", Subject = "Obiect", State = "Stare", Attempts = "Încercări", DueOrFinished = "Scadentă / încheiată", LastError = "Ultima eroare",
            JobsHint = "Lucrul făcut în fundal. O sarcină oprită a eșuat de câte ori i se permite și vă așteaptă: reluați-o după ce ați remediat cauza.",
            Retry = "Reluați", RetryJob = kind => $"Reluați sarcina {kind}", JobRetried = "Sarcina rulează din nou acum.",
            States = new Dictionary<JobState, string>
            {
                [JobState.Queued] = "în așteptare", [JobState.Running] = "în lucru", [JobState.Done] = "încheiată", [JobState.Dead] = "oprită",
            },
        });
}
