namespace Kefu.Demo;

/// <summary>What customers and agents say about one taxonomy leaf, for the demo history. Templates may hold
/// placeholders such as {order}, {waybill}, {agent}; see <see cref="DemoHistory"/> for the list.</summary>
internal sealed record DemoLeafScript(
    string Path,
    int Weight,
    string[] Kb,
    string[] ExtraZh,
    string[] ExtraEn,
    string[] SubjectZh,
    string[] SubjectEn,
    string[] AnswerZh,
    string[] AnswerEn,
    string[] AskZh,
    string[] AskEn,
    string[] InfoZh,
    string[] InfoEn,
    string[] EscalateNote,
    string[] EscalateZh,
    string[] EscalateEn,
    string[] ResultZh,
    string[] ResultEn,
    string[] Tags);
