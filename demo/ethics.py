# ruff: noqa: E501  (prose: one paragraph per line)
"""The demo Code of Ethics, in English and Spanish, written for this product from the
principles of docs/domain.md#code-of-ethics (capeercertification.org/code-of-ethics/). It
is not the program's official wording: an operator replaces it with a new
`CodeOfEthicsVersion` in the Django admin.

Plain text: paragraphs separated by blank lines, headings on a line of their own.
"""

ETHICS_TEXT_EN = """\
Code of Ethics for Medi-Cal Peer Support Specialists

Peer support specialists use their own lived experience of recovery, as a consumer or as a parent, caregiver or family member, to walk beside the people they serve. This code describes the commitments every certified peer support specialist makes. You agree to it when you apply, and you affirm it again every time you renew.

1. Hope
I believe that recovery is possible for every person. I share hope through my words, my example and my own story, and I help people see a future they can work toward.

2. Person-driven
The people I serve direct their own recovery. I support their choices and goals, even when they differ from the path I would choose, and I help them make informed decisions.

3. Family-driven and child-centred
When I work with families, I respect the family as the expert on its own life. I keep the needs, safety and voice of children and youth at the centre of my work.

4. Holistic wellness
I recognise that recovery touches every part of life: body, mind, relationships, housing, work, spirituality and community. I support the whole person, not only a diagnosis.

5. Authenticity
I am honest about who I am and about my role. I share my lived experience truthfully and only when it can help the person I am supporting.

6. Cultural responsiveness
I honour each person's culture, language, identity, beliefs and community. I keep learning about my own assumptions and I adapt my support so that it fits the person, not the other way around.

7. Respect
I treat every person with dignity. I do not judge, label or talk down to anyone, and I use language that puts the person first.

8. Integrity
I act honestly and keep my commitments. I follow the law, the standards of my certification and the policies of my employer, and I take responsibility for my actions.

9. Advocacy
I help people speak up for themselves and find the services and rights they are entitled to. When a system stands in the way of recovery, I work to change it through appropriate channels.

10. Confidentiality
I protect the privacy of the people I serve. I share information only with their permission or when the law requires it, and I explain those limits at the start of our work together.

11. Safety and protection
I help keep the people I serve, their families and my colleagues safe. I recognise signs of crisis and risk, I know how to get help quickly, and I follow mandatory reporting laws.

12. Education
I keep learning throughout my career, through continuing education, supervision and the experience of others, so that my support stays current and effective.

13. Mutuality and reciprocity
Peer support is a relationship between equals in which both people learn. I build trust through shared experience while keeping the relationship focused on the person I serve.

14. Strengths-based
I look for and build on each person's strengths, skills and resources rather than focusing on problems or deficits.

15. Wellness, recovery and resiliency
I take care of my own wellness and recovery so that I can support others well. I ask for help when I need it and I model resilience.

What peer support specialists may not do

As a certified peer support specialist, I will not:
- coerce, pressure or manipulate anyone, or use my role to gain any advantage over the people I serve;
- impose my own values, beliefs, religion or recovery path on the people I serve;
- disclose my lived experience when doing so does not serve the person I am supporting;
- enter into a romantic or sexual relationship with a person I serve or have served, or with a member of their family;
- accept gifts, money or favours of more than token value, or lend or borrow money, from the people I serve;
- provide services for which I am not trained or certified, or present myself as a clinician, doctor or therapist;
- work while impaired by alcohol or any substance;
- discriminate against anyone because of race, ethnicity, language, religion, sex, gender identity, sexual orientation, age, disability, immigration status or any other characteristic;
- share information about the people I serve on social media or anywhere else without their written permission;
- falsify records, training certificates, continuing education or any document given to the certification program.

By signing, I confirm that I have read this Code of Ethics, that I understand it, and that I will follow it in my work as a peer support specialist. I understand that violating it may lead to suspension or revocation of my certification.
"""

ETHICS_TEXT_ES = """\
Código de Ética para Especialistas en Apoyo entre Pares de Medi-Cal

Los especialistas en apoyo entre pares usan su propia experiencia vivida de recuperación, como consumidor o como padre, madre, cuidador o familiar, para acompañar a las personas que apoyan. Este código describe los compromisos que asume todo especialista certificado. Usted lo acepta al presentar su solicitud y lo reafirma cada vez que renueva su certificación.

1. Esperanza
Creo que la recuperación es posible para todas las personas. Comparto esperanza con mis palabras, mi ejemplo y mi propia historia, y ayudo a cada persona a imaginar un futuro por el que pueda trabajar.

2. Dirigido por la persona
Las personas que apoyo dirigen su propia recuperación. Respeto sus decisiones y metas, aunque sean distintas del camino que yo elegiría, y les ayudo a tomar decisiones informadas.

3. Dirigido por la familia y centrado en los niños
Cuando trabajo con familias, reconozco que la familia es la experta en su propia vida. Pongo en el centro de mi trabajo las necesidades, la seguridad y la voz de los niños y jóvenes.

4. Bienestar integral
Reconozco que la recuperación abarca todos los aspectos de la vida: el cuerpo, la mente, las relaciones, la vivienda, el trabajo, la espiritualidad y la comunidad. Apoyo a la persona completa, no solo a un diagnóstico.

5. Autenticidad
Soy honesto sobre quién soy y sobre mi función. Comparto mi experiencia vivida con veracidad y solo cuando puede ayudar a la persona que apoyo.

6. Sensibilidad cultural
Respeto la cultura, el idioma, la identidad, las creencias y la comunidad de cada persona. Sigo aprendiendo sobre mis propias suposiciones y adapto mi apoyo a la persona, y no al revés.

7. Respeto
Trato a cada persona con dignidad. No juzgo, no etiqueto y no hablo con superioridad a nadie, y uso un lenguaje que pone a la persona primero.

8. Integridad
Actúo con honestidad y cumplo mis compromisos. Respeto la ley, las normas de mi certificación y las políticas de mi empleador, y asumo la responsabilidad de mis actos.

9. Defensa de derechos
Ayudo a las personas a hablar por sí mismas y a acceder a los servicios y derechos que les corresponden. Cuando un sistema obstaculiza la recuperación, trabajo para cambiarlo por los medios apropiados.

10. Confidencialidad
Protejo la privacidad de las personas que apoyo. Comparto información solo con su permiso o cuando la ley lo exige, y explico esos límites al comenzar nuestro trabajo juntos.

11. Seguridad y protección
Ayudo a mantener seguras a las personas que apoyo, a sus familias y a mis colegas. Reconozco las señales de crisis y de riesgo, sé cómo conseguir ayuda rápidamente y cumplo las leyes de denuncia obligatoria.

12. Educación
Sigo aprendiendo a lo largo de mi carrera, mediante la educación continua, la supervisión y la experiencia de otras personas, para que mi apoyo sea actual y eficaz.

13. Mutualidad y reciprocidad
El apoyo entre pares es una relación entre iguales en la que ambas personas aprenden. Construyo confianza a partir de la experiencia compartida y mantengo la relación centrada en la persona que apoyo.

14. Enfoque en las fortalezas
Busco y fortalezco las capacidades, habilidades y recursos de cada persona, en lugar de concentrarme en los problemas o las carencias.

15. Bienestar, recuperación y resiliencia
Cuido mi propio bienestar y mi recuperación para poder apoyar bien a los demás. Pido ayuda cuando la necesito y doy ejemplo de resiliencia.

Lo que los especialistas en apoyo entre pares no pueden hacer

Como especialista certificado en apoyo entre pares, no voy a:
- obligar, presionar ni manipular a nadie, ni usar mi función para obtener ventaja sobre las personas que apoyo;
- imponer mis propios valores, creencias, religión o camino de recuperación a las personas que apoyo;
- revelar mi experiencia vivida cuando hacerlo no beneficia a la persona que apoyo;
- tener una relación romántica o sexual con una persona a quien apoyo o he apoyado, ni con un miembro de su familia;
- aceptar regalos, dinero o favores de más que un valor simbólico, ni prestar o pedir dinero prestado a las personas que apoyo;
- prestar servicios para los que no tengo formación ni certificación, ni presentarme como clínico, médico o terapeuta;
- trabajar bajo los efectos del alcohol o de cualquier sustancia;
- discriminar a nadie por su raza, origen étnico, idioma, religión, sexo, identidad de género, orientación sexual, edad, discapacidad, situación migratoria o cualquier otra característica;
- compartir información sobre las personas que apoyo en redes sociales ni en ningún otro lugar sin su permiso por escrito;
- falsificar expedientes, certificados de capacitación, educación continua ni ningún documento entregado al programa de certificación.

Al firmar, confirmo que he leído este Código de Ética, que lo comprendo y que lo cumpliré en mi trabajo como especialista en apoyo entre pares. Entiendo que no cumplirlo puede llevar a la suspensión o revocación de mi certificación.
"""
