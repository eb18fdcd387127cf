namespace Kefu.Demo;

/// <summary>Phrase banks for the demo history. The customers' first messages come mostly from the shipped
/// triage set (triage-dev.tsv); the lines here add variety, English wording and the rest of each conversation.</summary>
internal static class DemoPhrases
{
    public static readonly DemoLeafScript[] Leaves =
    [
        new("订单服务/下单问题/无法支付", 8, ["pay-fail", "pay-methods"],
            ExtraZh: ["微信支付一直转圈，最后提示支付失败，换了网络也不行", "用支付宝付款提示“该笔交易存在风险”，被拦截了",
                "用了优惠券付款就报错，不用券反而能付，这是什么情况", "付款时银行的短信验证码一直收不到，没法完成支付",
                "钱已经扣了，订单还是显示待付款，扣款截图我有"],
            ExtraEn: ["I keep getting 'payment failed' at checkout even though my card works everywhere else.",
                "Money was taken from my account but the order still shows as unpaid.", "The PayPal window closes immediately when I try to pay."],
            SubjectZh: ["支付失败，无法下单", "付款一直报错", "扣款了但订单未支付", "支付被拦截"],
            SubjectEn: ["Payment failing at checkout", "Charged but order unpaid", "Can't complete payment"],
            AnswerZh: ["", "我这边看到您的订单还在有效期内，换一种支付方式重新支付即可。"],
            AnswerEn: ["Payment failures are usually caused by the card's limit or balance, a bank risk check or a network timeout. Please try another payment method (Alipay, WeChat Pay, UnionPay or a different card), or check with your card issuer. If you were charged but the order shows as unpaid, the money is refunded automatically within 24 hours."],
            AskZh: ["麻烦您提供一下订单号、支付方式以及报错页面的截图，我这边帮您查一下支付流水。"],
            AskEn: ["Could you send us the order number, the payment method you used and a screenshot of the error? I'll check the payment records."],
            InfoZh: ["订单号 {order}，用的是{paymethod}，截图发了", "{paymethod}付的，订单号{order}"],
            InfoEn: ["Order {order}, paid by card. Screenshot attached."],
            EscalateNote: ["支付后台查到流水号 {txn}，银行侧返回风控拦截，已提交支付组核实。", "扣款成功但支付回调失败，已提交技术组补单，Jira PAY-{n4}。"],
            EscalateZh: ["已将您的支付问题提交给支付技术同事核查，预计 24 小时内给您答复，请留意消息。"],
            EscalateEn: ["I've passed this to our payments team; you'll hear back from us within 24 hours."],
            ResultZh: ["经核实，您的款项已成功补单，订单 {order} 现在显示已支付，会尽快为您安排发货。",
                "经核实是银行风控拦截，款项并未实际扣除（冻结金额 24 小时内自动解冻），建议您更换支付方式重新下单。"],
            ResultEn: ["Our payments team has matched your payment to order {order}; it now shows as paid and will ship shortly."],
            Tags: ["支付异常"]),

        new("订单服务/下单问题/地址错误", 6, ["change-address"],
            ExtraZh: ["收货人电话少写了一位，快递员联系不上我怎么办", "地址选成老家的了，麻烦改成 {address}", "门牌号写错了，应该是 {n2} 号，还没发货吧？"],
            ExtraEn: ["I entered my old address by mistake, can you change it before it ships?", "Wrong apartment number on my order, it should be unit {n2}."],
            SubjectZh: ["修改收货地址", "地址填错了", "收货信息有误"],
            SubjectEn: ["Change shipping address", "Wrong address on order"],
            AnswerZh: ["", "我这边也已经在后台帮您备注了新地址。"],
            AnswerEn: ["If the order hasn't shipped yet you can change the address yourself on the order details page (\"Modify address\", up to 3 times); I've also updated it on our side. Once it has shipped we can ask the courier to redirect it."],
            AskZh: ["请您提供一下订单号和正确的收货信息（收件人、电话、地址），我马上帮您修改。"],
            AskEn: ["Please send the order number and the full correct address (recipient, phone), and I'll update it right away."],
            InfoZh: ["订单号 {order}，正确地址是 {address}", "{order}，收件人不变，地址改成 {address}"],
            InfoEn: ["Order {order}. New address: {addressEn}"],
            EscalateNote: ["订单已出库，已联系{courier}申请改址，运单号 {waybill}。", "已通知仓库拦截，待仓库确认。"],
            EscalateZh: ["您的订单仓库已经在打包了，我已联系仓库拦截修改，结果会第一时间通知您。"],
            EscalateEn: ["Your order is already being packed, so I've asked the warehouse to hold it and update the address. I'll confirm as soon as they reply."],
            ResultZh: ["地址已修改成功，包裹会按新地址 {address} 配送，请您放心。"],
            ResultEn: ["Done: the address has been updated and the parcel will go to the new address."],
            Tags: ["改地址"]),

        new("订单服务/物流问题/未发货", 12, ["ship-time", "tracking"],
            ExtraZh: ["付款都五天了还是待发货，说好的48小时发货呢？", "请问订单{order}什么时候能发货？着急用", "商品页写的现货，怎么一直不发货"],
            ExtraEn: ["When will my order ship? It's been 5 days.", "Order {order} still says 'processing' - is it out of stock?"],
            SubjectZh: ["什么时候发货", "付款多天未发货", "催发货"],
            SubjectEn: ["Order not shipped yet", "When will my order ship?"],
            AnswerZh: ["", "已经帮您催促仓库优先安排出库了。"],
            AnswerEn: ["In-stock items normally ship within 48 hours of payment, and pre-order items on the date shown on the product page; during sales it can take 1-3 days longer. I've asked the warehouse to prioritise your order, and you'll get the tracking number as soon as it ships."],
            AskZh: ["麻烦提供一下订单号，我帮您查询仓库的出库进度。"],
            AskEn: ["Could you share your order number so I can check with the warehouse?"],
            InfoZh: ["订单号是{order}", "{order}，麻烦快点"],
            InfoEn: ["It's {order}."],
            EscalateNote: ["仓库反馈该 SKU 暂时缺货，预计 {n1} 天后到货。", "已在仓库群里催发，订单 {order} 加急。"],
            EscalateZh: ["已帮您联系仓库加急处理，预计 1-2 天内发出，发货后会有短信通知。"],
            EscalateEn: ["I've asked the warehouse to expedite your order; it should ship within 1-2 days and you'll get a text with the tracking number."],
            ResultZh: ["您的订单已经发货了，{courier}运单号 {waybill}，可以在订单详情里查看物流。由于发货延迟，已为您补偿一张 10 元无门槛券，请查收。"],
            ResultEn: ["Good news: your order has shipped with {courierEn}, tracking number {waybill}. As an apology for the delay we've added a coupon to your account."],
            Tags: ["发货延迟"]),

        new("订单服务/物流问题/快递丢失", 7, ["lost-parcel", "tracking"],
            ExtraZh: ["物流显示已签收，但家里人都说没收到", "运单 {waybill} 一个星期没动了，是不是丢了", "快递员说货丢了让我找商家，这怎么处理"],
            ExtraEn: ["Tracking says delivered but nothing arrived at my door.", "Tracking for {waybill} hasn't updated in over a week."],
            SubjectZh: ["快递丢失", "显示签收但没收到货", "物流一直不更新"],
            SubjectEn: ["Parcel lost", "Marked delivered but not received"],
            AnswerZh: ["", "我这边已经同步向快递公司发起核查了。"],
            AnswerEn: ["Sorry about this. Please first check with family, building reception, parcel lockers and pickup points. If it's really missing we'll open a claim with the courier and, once the loss is confirmed, send a replacement or a full refund."],
            AskZh: ["请提供一下订单号或运单号，另外家人、门卫、快递柜和驿站都确认过了吗？"],
            AskEn: ["Could you send the order or tracking number, and confirm you've checked with neighbours, reception and parcel lockers?"],
            InfoZh: ["运单号 {waybill}，都问过了，没有", "订单 {order}，门卫和驿站都找过了"],
            InfoEn: ["Tracking {waybill}. Checked with reception and neighbours, nothing."],
            EscalateNote: ["已向{courier}发起丢件核查，核查单号 {n8}，时效 48 小时。", "快递员反馈放在驿站，驿站查无此件，等待快递公司判责。"],
            EscalateZh: ["已经为您向快递公司发起丢件核查，一般 1-3 个工作日出结果，有进展我会第一时间联系您。"],
            EscalateEn: ["I've opened a lost-parcel claim with the courier. It usually takes 1-3 business days; I'll update you as soon as I hear back."],
            ResultZh: ["快递公司已确认丢件，已为您安排补发，新运单号 {waybill}，给您添麻烦了。", "核实为丢件，已为您全额退款 {amount} 元，原路退回，1-3 个工作日到账。"],
            ResultEn: ["The courier has confirmed the parcel was lost, so we've sent a replacement: tracking {waybill}.", "The loss is confirmed and we've issued a full refund of ${amountEn} to your original payment method."],
            Tags: ["物流异常"]),

        new("订单服务/售后问题/退款申请", 14, ["refund-how", "refund-time", "return-policy"],
            ExtraZh: ["申请退款三天了还没到账，麻烦查一下", "商品质量有问题，我要退货退款", "下错单了，还没发货，帮我取消退款吧", "退款被驳回了，理由写得不清不楚，能重新审核吗"],
            ExtraEn: ["I returned the item two weeks ago and still haven't received my refund.", "Please cancel and refund order {order}, I ordered the wrong size."],
            SubjectZh: ["申请退款", "退款未到账", "退货退款", "退款被驳回"],
            SubjectEn: ["Refund request", "Refund not received"],
            AnswerZh: ["", "您这笔售后我已经帮您加急审核了。"],
            AnswerEn: ["Refunds go back to the original payment method once approved: WeChat Pay and Alipay usually take 1-3 business days, debit cards 3-7, and credit cards depend on your bank. You can start a refund from \"My orders\" > \"After-sales\"; unshipped orders are refunded automatically."],
            AskZh: ["麻烦提供一下订单号，如果是质量问题请附上商品照片，我帮您加急审核。"],
            AskEn: ["Could you send the order number and, if the item is faulty, a photo, so I can speed up the review?"],
            InfoZh: ["订单号 {order}，照片发你了", "{order}，东西我已经寄回去了，单号 {waybill}"],
            InfoEn: ["Order {order}, photos attached."],
            EscalateNote: ["退款需财务审核，已提交退款单 RF{n8}，金额 {amount} 元。", "仓库尚未签收退货，已催仓库验收。"],
            EscalateZh: ["已为您提交退款加急审核，财务处理后 1-3 个工作日原路退回，请您留意。"],
            EscalateEn: ["I've submitted your refund for priority review; once finance approves it, it'll be back on your original payment method within 1-3 business days."],
            ResultZh: ["您的退款 {amount} 元已经审核通过并原路退回，请注意查收。", "退货已签收，退款已处理完成，{amount} 元预计 1-3 个工作日到账。"],
            ResultEn: ["Your refund of ${amountEn} has been approved and sent back to your original payment method."],
            Tags: ["refund"]),

        new("订单服务/售后问题/换货流程", 8, ["exchange", "return-policy", "damaged"],
            ExtraZh: ["买的鞋子偏小一码，想换大一码怎么操作", "收到的衣服颜色和图片不一样，想换个颜色", "换货寄回去一周了，新的还没发"],
            ExtraEn: ["The shoes are half a size too small, how do I exchange them?", "I got the wrong colour, can I swap it for the black one?"],
            SubjectZh: ["申请换货", "换尺码", "换货进度"],
            SubjectEn: ["Exchange request", "Exchange for a different size"],
            AnswerZh: ["", "换货申请我这边已经帮您审核通过了。"],
            AnswerEn: ["You can request an exchange on the order details page: tap \"After-sales\", choose \"Exchange\", pick the new size or colour and send the item back to the address shown. We ship the new one within 48 hours of receiving it, and if the item is faulty we cover the shipping."],
            AskZh: ["请问您想换成什么规格呢？麻烦一并提供订单号。"],
            AskEn: ["Which size or colour would you like instead? Please include your order number."],
            InfoZh: ["订单 {order}，换成 {size} 的", "换 {size}，订单号 {order}"],
            InfoEn: ["Order {order}, {sizeEn} please."],
            EscalateNote: ["新规格库存不足，已登记到货提醒。", "换货寄回件 {waybill} 仓库已签收，待质检。"],
            EscalateZh: ["您的换货申请已提交，仓库收到退回商品后 48 小时内为您寄出新商品。"],
            EscalateEn: ["Your exchange is registered; we'll ship the replacement within 48 hours of receiving the return."],
            ResultZh: ["换货商品已经发出，{courier}运单号 {waybill}，请注意查收。"],
            ResultEn: ["Your replacement is on its way with {courierEn}, tracking {waybill}."],
            Tags: ["换货"]),

        new("技术支持/APP故障/闪退", 6, ["app-crash"],
            ExtraZh: ["更新到最新版本后一打开就闪退，{device}", "点进购物车就闪退，{device}", "扫码的时候APP直接崩溃退出"],
            ExtraEn: ["The app crashes every time I open my orders page ({deviceEn}).", "App crashes on launch since the latest update."],
            SubjectZh: ["APP 闪退", "打开就闪退", "更新后闪退"],
            SubjectEn: ["App keeps crashing", "Crash on launch"],
            AnswerZh: ["", "如果重装后还有问题，可以先用网页版下单。"],
            AnswerEn: ["Please update the app to the latest version, clear its cache (Settings > Clear cache) and restart your phone. If it still crashes, reinstalling usually fixes it; your data is kept in your account and won't be lost."],
            AskZh: ["麻烦告诉我您的手机型号、系统版本和 APP 版本号（我的-设置-关于），如果方便的话录一段闪退时的视频。"],
            AskEn: ["Could you tell me your phone model, OS version and app version (Me > Settings > About)? A screen recording would help too."],
            InfoZh: ["{device}，APP 是 {appver}", "手机{device}，版本 {appver}，录屏发了"],
            InfoEn: ["{deviceEn}, app version {appver}."],
            EscalateNote: ["已复现，提交 Jira APP-{n4}，研发评估下个版本修复。", "崩溃日志已上传，疑似图片上传模块内存问题，已拉研发群跟进。"],
            EscalateZh: ["已把问题和日志提交给研发同事排查，修复后会通知您，期间可以先用网页版下单。"],
            EscalateEn: ["I've passed the details and logs to our developers. In the meantime you can use the website; we'll let you know when the fix is out."],
            ResultZh: ["新版本 {appver2} 已修复该闪退问题，请在应用商店更新后再试试。"],
            ResultEn: ["Version {appver2}, which fixes this crash, is now in the app store. Please update and try again."],
            Tags: ["bug"]),

        new("技术支持/APP故障/加载缓慢", 5, ["app-slow"],
            ExtraZh: ["首页图片半天加载不出来，WiFi 和 4G 都一样", "商品详情页一直转圈，刷新也没用", "搜索结果要等十几秒才出来"],
            ExtraEn: ["Pages take forever to load in the app, on Wi-Fi and mobile data.", "Images won't load on product pages."],
            SubjectZh: ["APP 很卡", "页面加载慢", "图片加载不出来"],
            SubjectEn: ["App very slow", "Pages not loading"],
            AnswerZh: ["", "我们也在同步排查服务器端的情况。"],
            AnswerEn: ["Slow loading is usually down to the network or cached data. Please try switching between Wi-Fi and mobile data, clear the app cache and make sure you're on the latest version. If it's still slow, send us a screenshot and the time it happened."],
            AskZh: ["麻烦提供一下出现卡顿的时间、所在城市和网络类型，方便我们排查。"],
            AskEn: ["Could you tell us when it happened, which city you're in and whether you were on Wi-Fi or mobile data?"],
            InfoZh: ["{city}，联通 4G，大概晚上 {hour} 点", "WiFi，{city}，一直都慢"],
            InfoEn: ["Wi-Fi, around {hour} pm."],
            EscalateNote: ["CDN 华东节点昨晚有告警，已反馈运维。", "已提交性能问题 Jira APP-{n4}，附客户网络信息。"],
            EscalateZh: ["已反馈技术同事排查网络节点，预计今天内恢复，给您带来不便非常抱歉。"],
            EscalateEn: ["Our engineers are looking into a network issue that may be affecting your area; it should be fixed today."],
            ResultZh: ["技术同事已处理完节点问题，现在加载速度应该恢复正常了，您再试一下。"],
            ResultEn: ["The network issue has been fixed and pages should load normally now."],
            Tags: ["bug"]),

        new("技术支持/账号问题/登录失败", 7, ["login-code", "password-reset"],
            ExtraZh: ["登录一直提示“账号或密码错误”，密码肯定没错", "验证码登录收不到短信，试了好几次", "换了新手机之后就登录不上了，提示设备异常"],
            ExtraEn: ["I can't log in, it says my account is locked.", "Not receiving the SMS login code."],
            SubjectZh: ["无法登录", "登录失败", "收不到验证码"],
            SubjectEn: ["Can't log in", "Login code not arriving"],
            AnswerZh: ["", "我这边看了下您的账号状态是正常的。"],
            AnswerEn: ["Please check that the phone number is correct and that our texts aren't blocked, and wait 60 seconds before requesting a new code (up to 10 a day). If it still fails, sign in with your password or use \"Forgot password\"."],
            AskZh: ["请提供一下注册手机号（可隐藏中间四位）和报错截图，我帮您查询账号状态。"],
            AskEn: ["Please send the phone number or email on the account and a screenshot of the error so I can check its status."],
            InfoZh: ["手机号 {phoneMasked}，截图发了", "{phoneMasked}，提示账号异常"],
            InfoEn: ["It's {email}. Screenshot attached."],
            EscalateNote: ["账号触发风控被临时冻结，已提交安全组解封。", "登录接口返回 40103，已提交技术组排查，Jira ACC-{n4}。"],
            EscalateZh: ["您的账号因安全策略被临时保护，已提交安全团队处理，预计 2 小时内解除，请耐心等待。"],
            EscalateEn: ["Your account was temporarily locked by our security checks; I've asked the security team to unlock it, which usually takes about 2 hours."],
            ResultZh: ["账号已经解除限制，请您重新登录；建议尽快修改密码并开启登录保护。"],
            ResultEn: ["Your account has been unlocked. Please sign in again and consider changing your password."],
            Tags: ["账号安全"]),

        new("技术支持/账号问题/密码找回", 6, ["password-reset", "login-code"],
            ExtraZh: ["忘记密码了，绑定的手机号也停用了，怎么找回", "重置密码的链接打开显示已失效", "改密码一直提示格式不对"],
            ExtraEn: ["The password reset link says it has expired.", "I forgot my password and no longer have the old phone number."],
            SubjectZh: ["找回密码", "重置密码失败", "手机号停用无法找回"],
            SubjectEn: ["Password reset", "Reset link expired"],
            AnswerZh: ["", "新密码需要 8-20 位，包含字母和数字。"],
            AnswerEn: ["On the sign-in page tap \"Forgot password\" and verify with the phone number or email on your account to set a new one. If you no longer have that number, we can verify you manually with a recent order."],
            AskZh: ["如果原手机号已停用，需要人工核实身份：请提供大概的注册时间、最近一笔订单号和收货人姓名。"],
            AskEn: ["Since the old number is gone we'll need to verify you manually: please send the approximate sign-up date, a recent order number and the recipient name."],
            InfoZh: ["大概是 {year} 年注册的，最近订单 {order}，收货人是我本人", "订单号 {order}，收件人{name}"],
            InfoEn: ["Signed up around {year}, last order {order}."],
            EscalateNote: ["人工核身资料已提交安全组审核。", "已核实身份，待安全组换绑手机号。"],
            EscalateZh: ["资料已提交安全团队人工审核，一般 1 个工作日内完成，审核通过后会短信通知您。"],
            EscalateEn: ["Your details are with our security team for manual review, which normally takes one business day."],
            ResultZh: ["审核已通过，已为您换绑新手机号，现在可以用新手机号重置密码了。"],
            ResultEn: ["Verification passed and your account now uses your new phone number, so you can reset the password."],
            Tags: ["账号安全"]),

        new("投诉建议/服务投诉/客服态度", 4, ["complaint"],
            ExtraZh: ["上次打电话那个客服一直打断我说话，很不耐烦", "在线客服回复全是模板话术，根本不解决问题", "客服承诺给我回电，结果一直没人联系我"],
            ExtraEn: ["The agent I spoke to hung up on me.", "Your support agent was rude and dismissive."],
            SubjectZh: ["投诉客服态度", "对客服服务不满", "客服未按承诺回电"],
            SubjectEn: ["Complaint about support agent", "Rude service"],
            AnswerZh: ["非常抱歉给您带来了不好的体验，您的投诉我已经记录并转交客服主管，我们会调取记录核实并在 24 小时内给您答复。"],
            AnswerEn: ["I'm very sorry about how you were treated. I've passed your complaint and the conversation record to the team lead, who will review it and get back to you within 24 hours."],
            AskZh: ["非常抱歉给您带来不好的体验。麻烦告诉我大概的联系时间和渠道（电话/在线），方便我们调取记录核实。"],
            AskEn: ["I'm sorry to hear that. Could you tell me roughly when you contacted us and through which channel, so we can pull the records?"],
            InfoZh: ["大概是{day}下午 {hour} 点，打的电话", "{day}在线客服，工号好像是 {n4}"],
            InfoEn: ["It was on the phone, {dayEn} afternoon."],
            EscalateNote: ["已调取通话录音，确认坐席存在不当用语，转组长处理。", "客户要求书面道歉，已升级至投诉组长。"],
            EscalateZh: ["您的投诉已升级给客服主管处理，我们会在 24 小时内给您回复处理结果。"],
            EscalateEn: ["Your complaint has been escalated to our support manager; we'll get back to you within 24 hours."],
            ResultZh: ["经核实，当时客服的服务确实存在问题，我们已对相关人员进行培训考核，并为您补偿 20 元优惠券，再次向您致歉。"],
            ResultEn: ["We reviewed the recording and agree the agent fell short. We've addressed it with them and added a voucher to your account as an apology."],
            Tags: ["差评预警", "投诉升级"]),

        new("投诉建议/服务投诉/处理时效", 6, ["complaint", "contact-hours"],
            ExtraZh: ["退款申请提交一周了还在审核中，效率太低了", "同一个问题反映了三次，每次都让我等", "说好 24 小时内回复，现在都三天了"],
            ExtraEn: ["I've been waiting a week for a reply to my ticket.", "Third time asking about the same issue, nobody follows up."],
            SubjectZh: ["处理太慢", "问题迟迟未解决", "投诉处理时效"],
            SubjectEn: ["Slow response", "Issue still unresolved"],
            AnswerZh: ["非常抱歉让您久等了，您的问题现在由我全程跟进，今天下班前一定给您明确答复。"],
            AnswerEn: ["I'm sorry it has taken this long. I've taken over your case personally and you'll have an update from me by the end of today."],
            AskZh: ["非常抱歉让您久等了，麻烦提供一下之前的工单号或订单号，我来亲自跟进。"],
            AskEn: ["Sorry for the wait. Could you give me the earlier ticket or order number? I'll follow it up personally."],
            InfoZh: ["订单 {order}，之前的工单号忘了", "就是 {order} 这个订单的退款"],
            InfoEn: ["It's about order {order}."],
            EscalateNote: ["前序工单超时未跟进，已要求原处理组 2 小时内给出结论。", "已升级主管，纳入超时工单复盘。"],
            EscalateZh: ["已经为您升级加急处理，我会全程跟进，今天下班前给您明确答复。"],
            EscalateEn: ["I've escalated this as urgent and will see it through myself; you'll have a definite answer before end of day."],
            ResultZh: ["您的问题已经处理完毕：订单 {order} 的款项已退回，另外为表歉意给您补偿了 200 积分。"],
            ResultEn: ["Everything on order {order} is now sorted, and we've added 200 points to your account for the delay."],
            Tags: ["催单", "投诉升级"]),

        new("投诉建议/产品建议/功能优化", 5, [],
            ExtraZh: ["建议增加按价格区间筛选的功能", "希望订单列表能按时间搜索", "能不能加个夜间模式，晚上看太亮了"],
            ExtraEn: ["Please add dark mode to the app.", "It would be great to filter orders by date."],
            SubjectZh: ["功能建议", "希望增加新功能", "产品建议"],
            SubjectEn: ["Feature request", "Suggestion"],
            AnswerZh: ["感谢您的宝贵建议！已经帮您记录并反馈给产品团队，后续版本规划时会重点评估。", "谢谢您的建议，这个想法很好，已经提交到产品需求池了。"],
            AnswerEn: ["Thanks for the suggestion! I've logged it with our product team, who review feedback like this when planning upcoming releases."],
            AskZh: ["感谢建议！方便再具体描述一下您希望的使用场景吗？这样产品同学评估会更准确。"],
            AskEn: ["Thanks! Could you describe a bit more how you'd use it? That helps our product team prioritise."],
            InfoZh: ["就是东西多了不好找，现在要翻很久", "主要是晚上用，眼睛受不了"],
            InfoEn: ["Mostly in the evening, the white screen is too bright."],
            EscalateNote: ["已录入需求池 PRD-{n4}，同类建议累计 {n2} 条。"],
            EscalateZh: ["已将您的建议提交到产品需求池，排期确定后会通知您。"],
            EscalateEn: ["Your idea is now in our product backlog; we'll let you know if it's scheduled."],
            ResultZh: ["好消息：您建议的功能已在 {appver2} 版本上线，欢迎更新体验！"],
            ResultEn: ["Good news: the feature you suggested shipped in version {appver2}."],
            Tags: ["产品建议"]),

        new("投诉建议/产品建议/体验反馈", 6, [],
            ExtraZh: ["新版首页广告太多了，找东西很不方便", "结算页按钮太小，老人用起来很吃力", "搜索结果不准，搜的东西和出来的对不上"],
            ExtraEn: ["The new checkout page is confusing.", "Too many pop-ups on the home page."],
            SubjectZh: ["使用体验反馈", "新版体验不好", "界面建议"],
            SubjectEn: ["Feedback on the app", "UX feedback"],
            AnswerZh: ["非常感谢您的反馈，已经同步给产品和设计同事，我们会持续优化使用体验。"],
            AnswerEn: ["Thank you for the feedback. I've shared it with our product and design team."],
            AskZh: ["感谢反馈！方便截个图告诉我们是哪个页面吗？"],
            AskEn: ["Thanks! Could you send a screenshot of the page you mean?"],
            InfoZh: ["截图发了，就是首页", "结算页，截图在这"],
            InfoEn: ["Screenshot attached, it's the checkout page."],
            EscalateNote: ["已转设计组，纳入下版本体验走查。"],
            EscalateZh: ["已转给设计团队评估，有进展会告诉您。"],
            EscalateEn: ["I've passed it to our design team and will let you know what they decide."],
            ResultZh: ["感谢您的反馈，相关页面已在新版本中优化，欢迎更新后体验。"],
            ResultEn: ["The page has been improved in the latest version. Thanks again for the feedback."],
            Tags: ["产品建议"]),
    ];

    // The customer's first message: decorations around the base text.
    public static readonly string[] OpenersZh = ["", "", "", "", "你好，", "您好，", "客服你好，", "在吗？", "hello，", "麻烦问下，", "客服在吗，"];
    public static readonly string[] ClosersZh = ["", "", "", "", "，谢谢", "，麻烦尽快处理", "，急！！", "，谢谢！"];
    public static readonly string[] OrderSuffixZh = ["\n订单号：{order}", "，订单号{order}", "（订单 {order}）"];
    public static readonly string[] OpenersEn = ["", "", "", "Hi, ", "Hello, ", "Hi there - "];
    public static readonly string[] ClosersEn = ["", "", " Thanks.", " Please help asap.", " Thanks in advance!"];
    public static readonly string[] OrderSuffixEn = ["\nOrder number: {order}", " (order {order})"];

    // Agent replies.
    public static readonly string[] ReplyOpenZh = ["您好，我是{agent}，很高兴为您服务。", "亲，您好～这边是客服{agent}。", "您好，感谢您的耐心等待。", "您好，您的问题已收到。", "您好！"];
    public static readonly string[] ApologyZh = ["给您带来不便非常抱歉。", "理解您的心情，我们一定帮您处理好。", ""];
    public static readonly string[] ReplyCloseZh = ["如还有其他问题，欢迎随时联系我们，祝您生活愉快！", "请问还有其他可以帮您的吗？", "有任何问题随时找我哦～", "感谢您的理解与支持！"];
    public static readonly string[] ReplyOpenEn = ["Hi {first},", "Hello {first},", "Hi {first}, thanks for reaching out."];
    public static readonly string[] ReplyCloseEn = ["Let me know if there's anything else I can help with.\n\nBest regards,\n{agent}", "Kind regards,\n{agent} | Customer Support", "Thanks for your patience,\n{agent}"];
    public static readonly string[] DeeperZh = ["抱歉问题还没有解决。我这边已经在后台帮您重新处理了一遍，麻烦您退出后重新登录再试一下，如果还有问题直接回复我。",
        "收到，我这边再帮您核实一下：已经为您重新提交处理，稍后刷新页面看看是否正常。"];
    public static readonly string[] DeeperEn = ["Sorry it's still not working. I've reprocessed it on our side; please sign out and back in, then try again, and reply here if it's still a problem."];
    public static readonly string[] PendingCloseZh = ["由于一直没有收到您的回复，工单先做已解决处理；如果问题仍然存在，直接回复即可重新打开。"];
    public static readonly string[] PendingCloseEn = ["As we haven't heard back, I'm marking this as solved. Just reply if you still need help and the ticket will reopen."];
    public static readonly string[] HoldUpdateZh = ["您的问题还在处理中，我们一直在跟进，有结果马上通知您，感谢耐心等待。", "已经再次帮您催促加急了，今天内给您结果。"];
    public static readonly string[] HoldUpdateEn = ["Your case is still being worked on; I'll update you as soon as I have news."];
    public static readonly string[] ReopenReplyZh = ["抱歉又给您添麻烦了，已经重新帮您处理，请再确认一下。"];
    public static readonly string[] ReopenReplyEn = ["Sorry about that. I've looked at it again and fixed it on our side; please check once more."];
    public static readonly string[] HijackReplyZh = ["您好，已经为您临时冻结账号，冻结期间账号无法下单和支付，盗用者也无法继续操作。请不要向任何人透露验证码，我们核实身份后会协助您找回账号并解冻。"];
    public static readonly string[] HijackReplyEn = ["Hi {first}, we've temporarily frozen your account so nobody can place orders or pay with it. Never share verification codes with anyone; once we've verified your identity we'll help you recover and unfreeze the account."];
    public static readonly string[] HijackResultZh = ["身份已核实，账号已解冻并强制下线所有设备，异常订单已全部拦截退款。请尽快修改登录密码和支付密码，并开启登录保护。"];
    public static readonly string[] HijackResultEn = ["We've verified your identity, unfrozen the account and signed out every device. The unauthorised orders were cancelled and refunded. Please change your password now and turn on login protection."];
    public static readonly string[] HijackNote = ["已冻结账号，异地登录 IP {ip}，近 24 小时有 {n1} 笔异常订单，已提交安全组拦截退款。", "客户账号被盗，已冻结并通知风控，等待核身后换绑。"];

    // Customer follow-ups.
    public static readonly string[] ThanksZh = ["好的，谢谢", "收到，谢谢客服", "好的，已经可以了，谢谢！", "嗯嗯 好的", "👍 谢谢", "好的，辛苦了", "可以了，感谢"];
    public static readonly string[] ThanksEn = ["Thanks!", "Great, that worked. Thank you.", "OK, thanks for the quick help."];
    public static readonly string[] UrgeZh = ["怎么还没处理好？都等了{n1}天了", "催一下，麻烦快点", "到底什么时候能解决？", "还有进展吗？", "我都问了好几遍了，能不能给个准话"];
    public static readonly string[] UrgeEn = ["Any update on this?", "Still waiting, please hurry."];
    public static readonly string[] StillBrokenZh = ["按你说的试了，还是不行", "还是一样的问题", "没用啊，还是老样子", "试过了，没解决"];
    public static readonly string[] StillBrokenEn = ["Tried that, still not working.", "Same problem, unfortunately."];
    public static readonly string[] FollowUpQuestionZh = ["好的，那大概什么时候能处理好？", "需要我这边做什么吗？", "那我现在就等着就行了吗？", "能不能快一点，这周要用"];
    public static readonly string[] FollowUpQuestionEn = ["OK, and how long will that take?", "Is there anything I need to do on my side?"];
    public static readonly string[] ReopenZh = ["问题又出现了，麻烦再帮我看看", "不好意思又来了，还是有问题", "刚才又遇到同样的情况了"];
    public static readonly string[] ReopenEn = ["It's happening again, can you take another look?"];

    // Internal notes.
    public static readonly string[] NotesZh = ["客户情绪较激动，注意安抚。", "老客户，近 3 个月下单 {n2} 次。", "已电话联系客户，未接通，稍后再拨。", "已电话回访，客户认可处理方案。",
        "同类问题今天第 {n1} 起，已在群里同步。", "已核对订单信息无误。"];
    public static readonly string[] TransferReasons = ["排班交接", "需要售后权限处理", "专人跟进", "下班交接"];
    public static readonly string[] SupervisorNotes = ["主管已介入，今天内必须给客户回复。", "已和客户电话沟通，客户同意等处理结果，注意按时回复。"];

    // People and places.
    public static readonly (string Zh, string Py)[] Surnames =
    [
        ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"),
        ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"),
        ("林", "lin"), ("罗", "luo"), ("高", "gao"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"),
        ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"), ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"),
        ("董", "dong"), ("潘", "pan"), ("袁", "yuan"), ("蔡", "cai"), ("蒋", "jiang"), ("余", "yu"), ("杜", "du"), ("叶", "ye"),
        ("程", "cheng"), ("魏", "wei"), ("苏", "su"), ("丁", "ding"), ("沈", "shen"), ("欧阳", "ouyang"), ("上官", "shangguan"),
    ];
    public static readonly (string Zh, string Py)[] GivenNames =
    [
        ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"),
        ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("明", "ming"), ("超", "chao"),
        ("秀兰", "xiulan"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("桂英", "guiying"), ("子涵", "zihan"), ("欣怡", "xinyi"),
        ("浩然", "haoran"), ("梓轩", "zixuan"), ("雨桐", "yutong"), ("思远", "siyuan"), ("嘉怡", "jiayi"), ("宇航", "yuhang"),
        ("佳琪", "jiaqi"), ("俊杰", "junjie"), ("晓燕", "xiaoyan"), ("建华", "jianhua"), ("志强", "zhiqiang"), ("文博", "wenbo"),
        ("诗涵", "shihan"), ("一鸣", "yiming"), ("婷婷", "tingting"), ("晨曦", "chenxi"), ("海燕", "haiyan"), ("国庆", "guoqing"),
    ];
    public static readonly string[] Nicknames = ["快乐的小熊", "Sunny", "🌸花开半夏", "阿杰", "木子", "小鱼儿", "Lily", "追风少年", "大白", "momo", "橙子🍊", "老王"];
    public static readonly string[] FirstNamesEn = ["Emily", "James", "Olivia", "Michael", "Sophia", "Daniel", "Grace", "Ryan", "Hannah", "Lucas", "Chloe",
        "Ethan", "Mia", "Nathan", "Zoe", "Kevin", "Rachel", "David", "Amy", "Jason", "Priya", "Tom"];
    public static readonly string[] LastNamesEn = ["Chen", "Smith", "Wong", "Johnson", "Lee", "Brown", "Tan", "Williams", "Ng", "Taylor", "Lim", "Davis",
        "Garcia", "Nguyen", "Kim", "Müller", "Patel", "Martin", "O'Brien"];
    public static readonly string[] MailDomainsZh = ["qq.com", "163.com", "126.com", "foxmail.com", "sina.com", "gmail.com", "outlook.com", "139.com"];
    public static readonly string[] MailDomainsEn = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "hotmail.co.uk", "proton.me"];
    public static readonly (string City, string[] Districts)[] Cities =
    [
        ("上海市", ["浦东新区", "闵行区", "徐汇区", "静安区"]), ("北京市", ["朝阳区", "海淀区", "丰台区"]), ("广州市", ["天河区", "越秀区", "番禺区"]),
        ("深圳市", ["南山区", "福田区", "宝安区"]), ("杭州市", ["西湖区", "余杭区", "滨江区"]), ("成都市", ["武侯区", "高新区"]),
        ("武汉市", ["洪山区", "江汉区"]), ("南京市", ["鼓楼区", "江宁区"]), ("西安市", ["雁塔区"]), ("苏州市", ["工业园区", "姑苏区"]),
    ];
    public static readonly string[] Roads = ["人民路", "解放路", "中山路", "建设路", "长江路", "文化路", "科技园路", "滨江大道", "学府路", "南京西路"];
    public static readonly string[] AddressesEn = ["Flat 5, 12 King's Road, London SW3 4RP", "88 Orchard Road #12-03, Singapore 238839",
        "Unit 1702, 33 Queen's Road Central, Hong Kong", "415 Mission St, San Francisco, CA 94105"];
    public static readonly (string Zh, string En, string Prefix, int Digits)[] Couriers =
    [
        ("顺丰", "SF Express", "SF", 12), ("圆通", "YTO Express", "YT", 13), ("中通", "ZTO Express", "75", 12), ("极兔", "J&T Express", "JT", 13),
        ("京东物流", "JD Logistics", "JDVA", 11),
    ];
    public static readonly string[] PayMethods = ["微信支付", "支付宝", "招商银行信用卡", "云闪付", "建设银行储蓄卡"];
    public static readonly string[] Devices = ["iPhone 14 Pro，iOS 17.4", "华为 Mate 60，鸿蒙 4.0", "小米 14，Android 14", "OPPO Reno 11，ColorOS 14", "vivo X100，Android 14", "荣耀 90"];
    public static readonly string[] DevicesEn = ["iPhone 15, iOS 17.5", "Pixel 8, Android 14", "Samsung Galaxy S23", "iPhone 13 mini"];
    public static readonly string[] Sizes = ["42 码", "L 码", "XL", "黑色 M 码", "白色 38 码", "1.8 米款"];
    public static readonly string[] SizesEn = ["size 42", "size L", "the black one in M"];
    public static readonly string[] DaysZh = ["昨天", "前天", "周一", "周三", "上周五"];
    public static readonly string[] DaysEn = ["yesterday", "Monday", "last Friday"];
    public static readonly string[] CustomerNotes = ["偏好电话联系", "多次反映物流问题", "企业采购客户，需开专票", "对价格敏感，注意沟通方式", "工作日白天不方便接电话"];
    public static readonly string[] CustomerNotesEn = ["Prefers email, English only", "Overseas shipping address"];
}
